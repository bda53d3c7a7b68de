import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type {} from '@fastify/multipart';
import type { z } from 'zod';
import { requireOperator } from '../../services/context.ts';
import {
  getIngest,
  type IngestFields,
  type IngestInputFile,
  IngestsQuery,
  ingestFiles,
  listIngests,
} from '../../services/ingests.ts';
import { HttpError } from '../errors.ts';
import { addRoute, paramOf, queryOf, type RouteDeps } from '../route.ts';
import { ingestSchema, pageOf } from '../schemas.ts';

export interface UploadLimits {
  /** Where uploads are kept (each ingest in a folder of its own): the evidence of what was loaded. */
  readonly dir: string;
  readonly maxFileBytes: number;
  readonly maxFiles: number;
}

const EXTENSIONS = /\.(csv|tsv|txt|json|ndjson|jsonl)$/i;

/** A file name safe on disk, keeping what the user recognises. */
function safeName(name: string): string {
  const base = name
    .replace(/^.*[\\/]/, '')
    .replace(/[^\p{L}\p{N}._ -]/gu, '_')
    .slice(0, 150);
  return base === '' || base.startsWith('.') ? `upload${base}` : base;
}

/** Text, not a binary: no NUL byte in the first 8 KB (UTF-8, UTF-16 with BOM aside, Windows-1252). */
async function looksLikeText(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(8192);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, bytesRead);
    if (head[0] === 0xff && head[1] === 0xfe) return true;
    return !head.includes(0);
  } finally {
    await handle.close();
  }
}

const unsupported = (name: string) =>
  new HttpError(
    'UNSUPPORTED_MEDIA_TYPE',
    `${name} : seuls les fichiers texte .csv, .tsv, .txt, .json sont acceptés`,
    `${name}: only .csv, .tsv, .txt, .json text files are accepted`,
  );

export function registerIngestRoutes(deps: RouteDeps, limits: UploadLimits): void {
  addRoute(deps, {
    method: 'POST',
    url: '/api/v1/ingests',
    tag: 'ingests',
    summary:
      'Upload call exports, spam reports or registry files (multipart, streamed to disk) and ingest them',
    description: `multipart/form-data: the field \`kind\` (calls | reports | registry) and the options (provider, client, campaign, site, format, timezone) first, then the files (at most ${limits.maxFiles}, ${Math.round(limits.maxFileBytes / 1048576)} MB each).`,
    auth: 'actor',
    roles: ['admin', 'analyst'],
    body: 'multipart',
    responses: {
      201: { description: 'the ingest, done (or failed with the error of the file)', schema: ingestSchema },
      413: { description: 'PAYLOAD_TOO_LARGE' },
      415: { description: 'UNSUPPORTED_MEDIA_TYPE' },
    },
    handler: async (request, reply, ctx) => {
      requireOperator(ctx);
      if (!request.isMultipart())
        throw new HttpError(
          'UNSUPPORTED_MEDIA_TYPE',
          'un envoi multipart/form-data est attendu',
          'expected multipart/form-data',
        );
      const stamp = new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15);
      const dir = join(limits.dir, `${stamp}-${randomBytes(4).toString('hex')}`);
      await mkdir(dir, { recursive: true });
      const fields: Record<string, string> = {};
      const files: IngestInputFile[] = [];
      try {
        for await (const part of request.parts({
          limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles },
        })) {
          if (part.type === 'field') {
            if (typeof part.value === 'string') fields[part.fieldname] = part.value;
            continue;
          }
          const name = safeName(part.filename || 'upload.csv');
          if (!EXTENSIONS.test(name)) {
            part.file.resume();
            throw unsupported(name);
          }
          let path = join(dir, name);
          if (files.some((f) => f.path === path)) path = join(dir, `${files.length + 1}-${name}`);
          await pipeline(part.file, createWriteStream(path));
          if (part.file.truncated)
            throw new HttpError(
              'PAYLOAD_TOO_LARGE',
              `${name} : fichier trop volumineux`,
              `${name}: file too large`,
            );
          if (!(await looksLikeText(path))) throw unsupported(name);
          files.push({ name, path });
        }
        const ingest = await ingestFiles(ctx, fields as z.input<typeof IngestFields>, files);
        return reply.code(201).send(ingest);
      } catch (error) {
        if (files.length === 0 || !(error instanceof Error) || error instanceof HttpError)
          await rm(dir, { recursive: true, force: true });
        throw error;
      }
    },
  });
  addRoute(deps, {
    method: 'GET',
    url: '/api/v1/ingests',
    tag: 'ingests',
    summary: 'The ingests, newest first',
    auth: 'actor',
    roles: ['admin', 'analyst', 'provider'],
    query: IngestsQuery,
    responses: { 200: { description: 'the ingests', schema: pageOf(ingestSchema) } },
    handler: (request, _reply, ctx) => listIngests(ctx, queryOf(request)),
  });
  addRoute(deps, {
    method: 'GET',
    url: '/api/v1/ingests/:id',
    tag: 'ingests',
    summary: 'One ingest with the quarantined rows of its files',
    auth: 'actor',
    roles: ['admin', 'analyst', 'provider'],
    params: { id: 'the ingest id' },
    responses: { 200: { description: 'the ingest', schema: ingestSchema }, 404: { description: 'unknown' } },
    handler: (request, _reply, ctx) => getIngest(ctx, paramOf(request, 'id')),
  });
}
