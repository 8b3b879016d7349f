/* global __ENV */
// k6 script for a real deployment: many wall screens subscribed through the public address (the load balancer in
// front of several `ioc server` replicas). Each virtual user speaks socket.io's wire protocol (engine.io v4) over a
// WebSocket, as the web app does: connect, subscribe to the wall, answer pings, and time each patch from the server's
// `asOf` stamp (clocks must be in sync: run k6 on a host with NTP). See load-tests/README.md.
//
//   k6 run -e BASE=wss://ioc.example.vn -e COOKIE=<ioc_session value> -e VUS=2000 -e DURATION=5m load-tests/k6/wall-fanout.js
import ws from 'k6/ws';
import { check } from 'k6';
import { Counter, Trend } from 'k6/metrics';

const patchAge = new Trend('wall_patch_age_ms', true);
const patches = new Counter('wall_patches');
const refused = new Counter('wall_subscribe_refused');

export const options = {
  scenarios: {
    walls: { executor: 'constant-vus', vus: Number(__ENV.VUS || 500), duration: __ENV.DURATION || '2m' },
  },
  thresholds: { wall_patch_age_ms: ['p(99)<1500'], wall_subscribe_refused: ['count==0'] },
};

export default function () {
  const base = (__ENV.BASE || 'ws://127.0.0.1:8080').replace(/^http/, 'ws');
  const url = `${base}/socket.io/?EIO=4&transport=websocket`;
  const params = { headers: { cookie: `ioc_session=${__ENV.COOKIE}` } };
  const res = ws.connect(url, params, (socket) => {
    socket.on('message', (frame) => {
      if (frame === '2') return socket.send('3'); // engine.io ping → pong
      if (frame.startsWith('0')) return socket.send('40'); // engine.io open → socket.io connect
      if (frame.startsWith('40')) return socket.send('420["dashboard:subscribe",{"dashboard":"wall"}]');
      if (frame.startsWith('430')) {
        const [ack] = JSON.parse(frame.slice(3));
        if (!ack.ok) refused.add(1);
        return undefined;
      }
      if (frame.startsWith('42')) {
        const [event, body] = JSON.parse(frame.slice(2));
        if (event !== 'dashboard:patch') return undefined;
        patches.add(1);
        patchAge.add(Date.now() - Date.parse(body.asOf));
      }
      return undefined;
    });
    socket.setTimeout(() => socket.close(), 60_000);
  });
  check(res, { 'websocket upgraded (101)': (r) => r && r.status === 101 });
}
