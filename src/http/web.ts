/**
 * The built dashboard (dist/web): `/assets/*` with long immutable caching (their names carry a content
 * hash), `index.html` for every other page path (the dashboard's routes), or a plain page saying to
 * build it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

const NO_BUILD = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Vigie</title></head>
<body><h1>Vigie</h1>
<p>Le tableau de bord n'est pas construit : lancez <code>npm run build</code>, puis relancez le serveur.
L'API répond déjà sous <a href="/api/docs">/api/docs</a>.</p>
<p lang="en">The dashboard is not built: run <code>npm run build</code>, then start the server again.
The API already answers under <a href="/api/docs">/api/docs</a>.</p></body></html>`;

export async function registerWeb(app: FastifyInstance, webDir: string): Promise<void> {
  if (existsSync(webDir) && statSync(webDir).isDirectory())
    await app.register(fastifyStatic, {
      root: webDir,
      prefix: '/',
      index: false,
      wildcard: true,
      cacheControl: false,
      setHeaders: (reply, path) => {
        const raw = reply as unknown as { setHeader(name: string, value: string): void };
        raw.setHeader(
          'cache-control',
          path.includes(`${join('/', 'assets', '/')}`) || /[\\/]assets[\\/]/.test(path)
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
        );
      },
    });
}

/** The page of every dashboard path. */
export function sendIndex(reply: FastifyReply, webDir: string): FastifyReply {
  const index = join(webDir, 'index.html');
  reply.header('cache-control', 'no-cache');
  if (!existsSync(index)) return reply.code(200).type('text/html; charset=utf-8').send(NO_BUILD);
  return reply.code(200).type('text/html; charset=utf-8').send(readFileSync(index));
}
