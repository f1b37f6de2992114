/**
 * Mail through the authority's SMTP server (FIS_SMTP_URL: smtp:// upgrades with STARTTLS when the
 * server offers it — add ?requireTLS=true to insist —, smtps:// is TLS from the start). Nothing
 * here decides what a mail may carry: by default a link into the inbox, never the data.
 */
import nodemailer from 'nodemailer';
import { oneLine } from '../../platform/errors';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  attachments?: Array<{ filename: string; content: Buffer; contentType: string }>;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

/** A mailer for the server at `url`, sending as `from`. A server that cannot be reached fails within seconds. */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 60_000 } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, attachments: mail.attachments });
    },
    close: () => transport.close(),
  };
}

/** Why a mail did not go, in a few words (no stack, no credentials of the URL). */
export const mailError = (e: unknown) => oneLine(e).replace(/\/\/[^@/\s]*@/g, '//').slice(0, 160);
