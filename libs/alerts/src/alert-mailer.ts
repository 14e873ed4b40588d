import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { AppConfig } from '#libs/config';
import type { RenderedEmail } from './alert-email.js';

/** SMTP, behind one small class (nodemailer over SMTP_URL, one pooled transport per process). */
@Injectable()
export class AlertMailer implements OnApplicationShutdown {
  private transport: Transporter | undefined;

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.smtp !== null;
  }

  async send(to: readonly string[], email: RenderedEmail): Promise<void> {
    if (!this.config.smtp) throw new Error('SMTP_URL is not set');
    this.transport ??= nodemailer.createTransport(smtpOptions(this.config.smtp.url));
    await this.transport.sendMail({ from: this.config.alertEmailFrom, to: [...to], subject: email.subject, text: email.text, html: email.html });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}

function smtpOptions(url: string) {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
}
