import { z } from 'zod';
import {
  listViolations,
  summariseViolations,
  ViolationsQuery,
  violationsCsv,
} from '../../services/violations.ts';
import { addRoute, queryOf, type RouteDeps } from '../route.ts';
import { pageOf, violationSchema } from '../schemas.ts';

export function registerViolationRoutes(deps: RouteDeps): void {
  addRoute(deps, {
    method: 'GET',
    url: '/api/v1/violations',
    tag: 'violations',
    summary: 'Violations of French law among the stored calls (as vigie audit); format=csv for Excel',
    description:
      'With `format=csv`: every filtered violation as `text/csv` for Excel (UTF-8 with BOM, `;`, CRLF), no pagination.',
    auth: 'actor',
    roles: ['admin', 'analyst', 'provider'],
    query: ViolationsQuery.extend({ format: z.enum(['json', 'csv']).optional() }),
    responses: {
      200: { description: 'the violations, in call order', schema: pageOf(violationSchema) },
    },
    handler: async (request, reply, ctx) => {
      const { format, ...query } = queryOf(request);
      if (format === 'csv')
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="violations.csv"')
          .send(await violationsCsv(ctx, query));
      return listViolations(ctx, query);
    },
  });
  addRoute(deps, {
    method: 'GET',
    url: '/api/v1/violations/summary',
    tag: 'violations',
    summary: 'Violation counts by rule, provider (per 1,000 calls) and ISO week',
    auth: 'actor',
    roles: ['admin', 'analyst', 'provider'],
    query: ViolationsQuery.omit({ limit: true, cursor: true }),
    responses: { 200: { description: 'the counts', schema: { type: 'object' } } },
    handler: (request, _reply, ctx) => summariseViolations(ctx, queryOf(request)),
  });
}
