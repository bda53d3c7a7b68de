/** `/api/docs`: the OpenAPI document rendered as one static HTML page (no script, no CDN). */
import type { OpenApiDocument } from './openapi.ts';

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
h2{margin-top:2rem;border-bottom:1px solid #ccc}code,pre{font:13px ui-monospace,monospace;background:#f3f3f3}
pre{padding:.5rem;overflow:auto}.op{margin:1rem 0;padding:.5rem 1rem;border-left:4px solid #2a5db0}
.m{font-weight:700;text-transform:uppercase;margin-right:.5rem}table{border-collapse:collapse}
td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}`;

type Operation = {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
  'x-roles'?: string[];
};

export function renderDocsPage(doc: OpenApiDocument): string {
  const info = doc.info as { title?: string; version?: string; description?: string };
  const parts: string[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const op = raw as Operation;
      const params = (op.parameters ?? [])
        .map(
          (p) =>
            `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${p.required ? 'oui' : ''}</td><td><code>${escapeHtml(JSON.stringify(p.schema ?? {}))}</code>${p.description ? ` ${escapeHtml(p.description)}` : ''}</td></tr>`,
        )
        .join('');
      const body = op.requestBody?.content
        ? Object.entries(op.requestBody.content)
            .map(
              ([type, c]) =>
                `<p>Corps <code>${escapeHtml(type)}</code></p><pre>${escapeHtml(JSON.stringify(c.schema ?? {}, null, 2))}</pre>`,
            )
            .join('')
        : '';
      const responses = Object.entries(op.responses ?? {})
        .map(
          ([status, r]) =>
            `<tr><td>${escapeHtml(status)}</td><td>${escapeHtml(r.description ?? '')}</td></tr>`,
        )
        .join('');
      parts.push(`<section class="op" id="${escapeHtml(`${method}-${path}`)}">
<h3><span class="m">${escapeHtml(method)}</span><code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary ?? '')}</p>${op.description ? `<p>${escapeHtml(op.description)}</p>` : ''}
${op['x-roles'] ? `<p>Rôles : ${op['x-roles'].map((r) => `<code>${escapeHtml(r)}</code>`).join(', ')}</p>` : ''}
${params ? `<table><tr><th>paramètre</th><th>où</th><th>requis</th><th>schéma</th></tr>${params}</table>` : ''}
${body}<table><tr><th>statut</th><th>réponse</th></tr>${responses}</table></section>`);
    }
  }
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(info.title ?? 'API')} ${escapeHtml(info.version ?? '')}: référence</title>
<link rel="stylesheet" href="/api/docs/style.css"></head>
<body><main><h1>${escapeHtml(info.title ?? 'API')} <small>${escapeHtml(info.version ?? '')}</small></h1>
<p>${escapeHtml(info.description ?? '')}</p><p><a href="/api/v1/openapi.json">openapi.json</a></p>
${parts.join('\n')}</main></body></html>`;
}

export const DOCS_CSS = STYLE;
