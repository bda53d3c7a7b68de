import { z } from 'zod';
import {
  actOnNumber,
  getNumber,
  listNumbers,
  NumberActionBody,
  NumbersQuery,
} from '../../services/numbers.ts';
import { addRoute, paramOf, queryOf, type RouteDeps } from '../route.ts';
import { numberDetailSchema, numberSchema, pageOf } from '../schemas.ts';

const NUMBER_PARAM = { number: 'the caller ID, typed any French way (01 62 00 00 01, +33162000001…)' };

export function registerNumberRoutes(deps: RouteDeps): void {
  addRoute(deps, {
    method: 'GET',
    url: '/api/v1/numbers',
    tag: 'numbers',
    summary:
      'Every caller ID in scope with its status, score, 7-day rates, cap, sparkline (as vigie numbers)',
    auth: 'actor',
    roles: ['admin', 'analyst', 'provider'],
    query: NumbersQuery,
    responses: {
      200: {
        description: 'the numbers, by number; `asOf` is the day the windows end',
        schema: {
          ...pageOf(numberSchema),
          properties: { ...pageOf(numberSchema).properties, asOf: { type: ['string', 'null'] } },
        },
      },
    },
    handler: (request, _reply, ctx) => listNumbers(ctx, queryOf(request)),
  });
  addRoute(deps, {
    method: 'GET',
    url: '/api/v1/numbers/:number',
    tag: 'numbers',
    summary:
      'One caller ID: daily series, score factors, forecast, alerts, violations, assignments, status history',
    auth: 'actor',
    roles: ['admin', 'analyst', 'provider'],
    params: NUMBER_PARAM,
    query: z.object({ asOf: z.string().optional() }),
    responses: {
      200: { description: 'the number', schema: numberDetailSchema },
      404: { description: 'no data, or outside the actor’s scope' },
    },
    handler: (request, _reply, ctx) =>
      getNumber(ctx, { number: paramOf(request, 'number'), asOf: queryOf(request).asOf }),
  });
  addRoute(deps, {
    method: 'POST',
    url: '/api/v1/numbers/:number/actions',
    tag: 'numbers',
    summary: 'Suspend, rest or resume a caller ID, with a reason (recorded with the author and time)',
    auth: 'actor',
    roles: ['admin', 'analyst'],
    params: NUMBER_PARAM,
    body: NumberActionBody,
    responses: {
      200: { description: 'the number after the action', schema: numberDetailSchema },
      409: { description: 'CONFLICT: already resting or suspended, or nothing to resume' },
    },
    handler: (request, _reply, ctx) =>
      actOnNumber(ctx, paramOf(request, 'number'), (request.body ?? {}) as NumberActionBody),
  });
}
