import { listQuarantine, QuarantineQuery } from '../../services/calls.ts';
import { addRoute, queryOf, type RouteDeps } from '../route.ts';
import { pageOf, quarantineSchema } from '../schemas.ts';

export function registerQuarantineRoutes(deps: RouteDeps): void {
  addRoute(deps, {
    method: 'GET',
    url: '/api/v1/quarantine',
    tag: 'quarantine',
    summary: 'Rows that could not be stored, with file, line, field and reason (as vigie quarantine)',
    auth: 'actor',
    roles: ['admin', 'analyst', 'provider'],
    query: QuarantineQuery,
    responses: { 200: { description: 'the rows', schema: pageOf(quarantineSchema) } },
    handler: (request, _reply, ctx) => listQuarantine(ctx, queryOf(request)),
  });
}
