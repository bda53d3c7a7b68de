/**
 * A real SMTP server process for the e-mail tests (`smtp-server` on 127.0.0.1, a free port). It prints
 * `{"port": N}` once listening, then one JSON line per message received: envelope, user and raw text.
 * Usage: node --import tsx smtp-sink.ts USER PASS
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

const [user, pass] = process.argv.slice(2);

const server = new SMTPServer({
  logger: false,
  disabledCommands: ['STARTTLS'],
  allowInsecureAuth: true,
  authOptional: user === undefined,
  onAuth(auth, _session, callback) {
    if (auth.username === user && auth.password === pass) callback(null, { user: auth.username });
    else callback(new Error('Invalid username or password'));
  },
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      process.stdout.write(
        `${JSON.stringify({
          user: session.user ?? null,
          from: session.envelope.mailFrom === false ? null : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        })}\n`,
      );
      callback();
    });
  },
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.server.address() as AddressInfo).port })}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
