import nodemailer, { type Transporter } from 'nodemailer';
import type { OutgoingNotification } from './notification';

export interface EmailOptions {
  /** IOC_SMTP_URL, e.g. `smtp://user:pass@mail.example.gov.vn:587` or `smtps://…:465`. */
  smtpUrl: string;
  from: string;
}

const KIND_LINE_VI = {
  firing: 'Một cảnh báo mới đã phát sinh trên Trung tâm điều hành thông minh (IOC).',
  escalated: 'Một sự cố chưa được tiếp nhận đúng hạn và đã được chuyển lên lãnh đạo.',
  resolved: 'Cảnh báo dưới đây đã hết.',
} as const;
const KIND_LINE_EN = {
  firing: 'A new alert fired on the Intelligent Operations Centre (IOC).',
  escalated: 'An incident was not acknowledged in time and has been escalated to the leaders.',
  resolved: 'The alert below has ended.',
} as const;

/** The e-mail of a notification: Vietnamese first, English second, in the subject and the body (plain text, UTF-8). */
export function emailContent(n: OutgoingNotification): { subject: string; text: string } {
  const at = new Date(n.at);
  const whenVi = at.toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });
  const whenEn = at.toLocaleString('en-GB', { timeZone: 'Asia/Ho_Chi_Minh' });
  const text = [
    KIND_LINE_VI[n.kind],
    `${n.title.vi}`,
    `Quy tắc: ${n.ruleId}. Mức độ: ${n.severity}. Đơn vị: ${n.agencyCode ?? n.unitCode ?? 'toàn tỉnh'}. Thời điểm: ${whenVi}.`,
    `Xem chi tiết: ${n.link}`,
    '',
    '---',
    '',
    KIND_LINE_EN[n.kind],
    `${n.title.en}`,
    `Rule: ${n.ruleId}. Severity: ${n.severity}. Agency: ${n.agencyCode ?? n.unitCode ?? 'province-wide'}. At: ${whenEn} (ICT).`,
    `Details: ${n.link}`,
    '',
  ].join('\n');
  return { subject: `[IOC] ${n.title.vi} / ${n.title.en}`, text };
}

/** Sends notification e-mails over one pooled SMTP connection. */
export class EmailSender {
  private readonly transport: Transporter;

  constructor(private readonly o: EmailOptions) {
    this.transport = nodemailer.createTransport(o.smtpUrl);
  }

  /** Resolves once the server accepted the message; rejects with its reason otherwise. */
  async send(to: readonly string[], n: OutgoingNotification): Promise<void> {
    const { subject, text } = emailContent(n);
    await this.transport.sendMail({ from: this.o.from, to: [...to], subject, text, headers: { 'X-IOC-Delivery': n.key } });
  }

  close(): void {
    this.transport.close();
  }
}
