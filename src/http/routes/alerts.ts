import { z } from 'zod';
import { AlertsQuery, actOnAlert, getAlert, listAlerts } from '../../services/alerts.ts';
import { addRoute, paramOf, queryOf, type RouteDeps } from '../route.ts';
import { alertSchema, pageOf } from '../schemas.ts';

const ID = { id: 'the alert id' };
const NoteBody = z.object({ note: z.string().min(1).max(1000) });

export function registerAlertRoutes(deps: RouteDeps): void {
  addRoute(deps, {
    method: 'GET',
    url: '/api/v1/alerts',
    tag: 'alerts',
    summary: 'The alert inbox in scope (open first, then by severity); state=active: not resolved',
    auth: 'actor',
    roles: ['admin', 'analyst', 'provider'],
    query: AlertsQuery,
    responses: { 200: { description: 'the alerts', schema: pageOf(alertSchema) } },
    handler: (request, _reply, ctx) => listAlerts(ctx, queryOf(request)),
  });
  addRoute(deps, {
    method: 'GET',
    url: '/api/v1/alerts/:id',
    tag: 'alerts',
    summary: 'One alert with its evidence and history',
    auth: 'actor',
    roles: ['admin', 'analyst', 'provider'],
    params: ID,
    responses: {
      200: { description: 'the alert', schema: alertSchema },
      404: { description: 'unknown or out of scope' },
    },
    handler: (request, _reply, ctx) => getAlert(ctx, paramOf(request, 'id')),
  });
  for (const verb of ['ack', 'resolve'] as const)
    addRoute(deps, {
      method: 'POST',
      url: `/api/v1/alerts/:id/${verb}`,
      tag: 'alerts',
      summary: verb === 'ack' ? 'Acknowledge an alert, with a note' : 'Resolve an alert by hand, with a note',
      auth: 'actor',
      roles: ['admin', 'analyst'],
      params: ID,
      body: NoteBody,
      responses: {
        200: { description: 'the alert after it', schema: alertSchema },
        409: { description: 'CONFLICT: already resolved' },
      },
      handler: (request, _reply, ctx) => actOnAlert(ctx, verb, paramOf(request, 'id'), request.body ?? {}),
    });
}
