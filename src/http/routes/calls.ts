import { CallsQuery, listCalls } from '../../services/calls.ts';
import { addRoute, queryOf, type RouteDeps } from '../route.ts';
import { callSchema, pageOf } from '../schemas.ts';

export function registerCallRoutes(deps: RouteDeps): void {
  addRoute(deps, {
    method: 'GET',
    url: '/api/v1/calls',
    tag: 'calls',
    summary: 'The stored calls in scope, in time order (as vigie calls)',
    auth: 'actor',
    roles: ['admin', 'analyst', 'provider'],
    query: CallsQuery,
    responses: { 200: { description: 'the calls', schema: pageOf(callSchema) } },
    handler: (request, _reply, ctx) => listCalls(ctx, queryOf(request)),
  });
}
