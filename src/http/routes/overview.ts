import { z } from 'zod';
import { getOverview } from '../../services/overview.ts';
import { addRoute, queryOf, type RouteDeps } from '../route.ts';

export function registerOverviewRoutes(deps: RouteDeps): void {
  addRoute(deps, {
    method: 'GET',
    url: '/api/v1/overview',
    tag: 'overview',
    summary:
      'Numbers by status, 8 weeks of answer and report rates (all and per provider), open alerts, the five numbers to act on today, providers ranked, violations this week, last ingests',
    auth: 'actor',
    roles: ['admin', 'analyst', 'provider'],
    query: z.object({ asOf: z.string().optional() }),
    responses: { 200: { description: 'the overview', schema: { type: 'object' } } },
    handler: (request, _reply, ctx) => getOverview(ctx, queryOf(request)),
  });
}
