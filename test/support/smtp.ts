import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { waitUntil } from './test-env.js';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** Header values, unfolded, names lower-cased. */
  headers: Record<string, string>;
  subject: string;
  /** The text/plain and text/html parts, quoted-printable decoded. */
  text: string;
  html: string;
  raw: string;
}

/** A real SMTP server on loopback (smtp-server), recording every message (`waitFor` polls the record). `refuse` makes it turn
 * connections away (as a server that is up but refusing); `close` and `start` on the same port
 * make an outage. */
export class TestSmtpServer {
  readonly mails: ReceivedMail[] = [];
  refuse = false;
  private server: SMTPServer | undefined;

  private constructor(public port: number) {}

  static async start(port = 0): Promise<TestSmtpServer> {
    const s = new TestSmtpServer(port);
    await s.listen();
    return s;
  }

  /** A loopback port with nothing listening on it (yet). */
  static async freePort(): Promise<number> {
    const probe = new SMTPServer({ disabledCommands: ['STARTTLS'] });
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return port;
  }

  /** A server object for `port` that is not listening yet (`listen` starts it). */
  static stopped(port: number): TestSmtpServer {
    return new TestSmtpServer(port);
  }

  url(user = 'alerts', pass = 'secret'): string {
    return `smtp://${user}:${pass}@127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authOptional: true,
      logger: false,
      onAuth: (auth, _session, cb) => cb(null, { user: auth.username }),
      onConnect: (_session, cb) => cb(this.refuse ? Object.assign(new Error('not now'), { responseCode: 421 }) : null),
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.mails.push(parse(Buffer.concat(chunks).toString('utf8'), session.envelope.mailFrom ? session.envelope.mailFrom.address : '', session.envelope.rcptTo.map((r) => r.address)));
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  async waitFor(count: number, timeoutMs = 20_000): Promise<ReceivedMail[]> {
    await waitUntil(() => this.mails.length >= count, timeoutMs, `${count} mails (got ${this.mails.length})`);
    return this.mails;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

function decodeQp(s: string): string {
  return Buffer.from(s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
}

function parse(raw: string, from: string, to: string[]): ReceivedMail {
  const [head = ''] = raw.split(/\r?\n\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const part = (type: string) => {
    const m = new RegExp(`Content-Type: ${type}[^\\r\\n]*\\r?\\n(?:[^\\r\\n]+\\r?\\n)*\\r?\\n([\\s\\S]*?)(?:\\r?\\n--|$)`, 'i').exec(raw);
    return m ? decodeQp(m[1]!) : '';
  };
  return { from, to, headers, subject: headers.subject ?? '', text: part('text/plain'), html: part('text/html'), raw };
}
