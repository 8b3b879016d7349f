import type { MessageSchema } from './vi';

/** English, for visitors and partners; same keys as `vi.ts`. */
const en: MessageSchema = {
  app: {
    title: 'Intelligent Operations Centre',
    provinceFallback: 'Thai Nguyen Province',
    documentTitle: 'Thai Nguyen IOC',
  },
  lang: {
    switchTo: 'Chuyển sang tiếng Việt',
    short: 'VI',
  },
  link: {
    connecting: 'Connecting…',
    live: 'Live',
    reconnecting: 'Connection lost — reconnecting…',
    offline: 'Offline — still retrying',
    refused: 'Server refused: {message}',
    noAnswer: 'No answer from the server — retrying',
    badAnswer: 'Unreadable answer from the server — retrying',
  },
  freshness: {
    updatedAt: 'Data updated at {time}',
    updatedAtDay: 'Data updated at {time} on {date}',
    never: 'No data received from the source system yet',
    warning: 'Data {minutes} min behind',
    critical: 'Data stale: {minutes} min',
  },
  kpi: {
    received: 'Dossiers received today',
    finishedOnTime: 'Resolved on time',
    finishedLate: 'Resolved late',
    open: 'In progress',
    overdue: 'Overdue',
    onTimeRate: 'On-time rate',
    noData: 'No data',
    rateBasis: 'of {count} dossiers resolved',
    rateBasisNone: 'no dossier resolved today yet',
    overdueShare: '{rate} of dossiers in progress',
  },
  columns: {
    rank: '#',
    agency: 'Agency',
    commune: 'Commune',
    received: 'Received',
    finishedOnTime: 'On time',
    finishedLate: 'Late',
    open: 'In progress',
    overdue: 'Overdue',
    onTimeRate: 'On-time rate',
  },
  wall: {
    pageTitle: 'Operations wall',
    sectionToday: 'Administrative dossiers today',
    dataDay: 'Figures for {date}',
    dataDayStale: 'Figures for {date} (new day not started yet)',
    waiting: 'Waiting for figures…',
    departmentsTitle: 'Departments and agencies',
    departmentsTotal: 'Total of {count} departments',
    departmentsSort: 'Sorted by overdue, then in progress',
    communesTitle: "Communes' People's Committees",
    communesTotal: 'All {count} communes',
    communesRanking: 'Top 10 by overdue dossiers',
    communesChart: 'Received today by area',
    communesChartHint: 'by district area before 01/07/2025',
    otherArea: 'Other',
    panelFailed: 'This panel cannot be shown. The others keep updating.',
    catalogueMissing: 'Agency list not loaded yet — showing agency codes',
  },
  severity: {
    warning: 'warning',
    critical: 'critical',
  },
};

export default en;
