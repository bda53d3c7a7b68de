import { join } from 'node:path';
import { isoUtc } from './calendar.ts';
import { OutFile } from './out-file.ts';
import type { Random } from './random.ts';
import type { World } from './world.ts';

/** Writes the registry folder of records.md §5; returns refusals.csv still open, for the refusals heard in calls. */
export async function writeRegistry(world: World, dir: string, rng: Random): Promise<OutFile> {
  const pop = world.population;
  const clients = world.clients;
  const C = clients.length;
  const day = (utc: number) => isoUtc(utc).slice(0, 10);
  const open = (name: string, headerLine: string) => {
    const file = new OutFile(join(dir, name));
    file.write(`${headerLine}\n`);
    return file;
  };
  const consents = open('consents.csv', 'number,granted_at,client,scope,source,proof,revoked_at');
  const customers = open('customers.csv', 'number,client,contract_start,contract_end');
  const refusals = open('refusals.csv', 'number,refused_at,client');
  const dnc = open('dnc.csv', 'number,added_at,reason');
  const contacts = open('contacts.csv', 'number,type,postcode');
  const sources = ['web-form', 'jeu-concours', 'espace-client', 'salon', 'comparateur'];
  const reasons = ['demande client', 'réclamation', 'contentieux', 'personne décédée'];
  for (let i = 0; i < pop.size; i++) {
    const number = pop.number[i] ?? '';
    const pending: (Promise<void> | undefined)[] = [];
    for (let c = 0; c < C; c++) {
      const j = i * C + c;
      const client = clients[c]?.id ?? '';
      const granted = pop.consentAt[j] ?? 0;
      if (granted !== 0) {
        const scope = pop.scope[j] ?? -1;
        const revoked = pop.revokedAt[j] ?? 0;
        const source = rng.pick(sources);
        pending.push(
          consents.write(
            `${number},${isoUtc(granted)},${client},${scope === -1 ? '*' : (world.campaigns[scope]?.id ?? '*')},${source},${source}-${(i * 7 + c).toString(36)},${revoked === 0 ? '' : isoUtc(revoked)}\n`,
          ),
        );
      }
      const from = pop.customerFrom[j] ?? 0;
      if (from !== 0) {
        const to = pop.customerTo[j] ?? 0;
        pending.push(customers.write(`${number},${client},${day(from)},${to === 0 ? '' : day(to)}\n`));
      }
      const refused = pop.refusalAt[j] ?? 0;
      if (refused !== 0) pending.push(refusals.write(`${number},${isoUtc(refused)},${client}\n`));
    }
    const added = pop.dncAt[i] ?? 0;
    if (added !== 0) pending.push(dnc.write(`${number},${isoUtc(added)},${rng.pick(reasons)}\n`));
    const professional = (pop.professional[i] ?? 0) === 1;
    const postcode = pop.postcode[i] ?? 0;
    if (professional || postcode !== 0) {
      pending.push(
        contacts.write(
          `${number},${professional ? 'professional' : 'consumer'},${postcode === 0 ? '' : String(postcode).padStart(5, '0')}\n`,
        ),
      );
    }
    for (const p of pending) if (p) await p;
  }
  for (const file of [consents, customers, dnc, contacts]) await file.close();

  const bloctel = open('bloctel.csv', 'number,consulted_at');
  const consultations = open('consultations.csv', 'client,consulted_at,numbers_submitted');
  for (const client of clients) {
    for (const at of client.consultations) {
      await consultations.write(`${client.id},${isoUtc(at)},${pop.size}\n`);
      for (let i = 0; i < pop.size; i++) {
        if ((pop.bloctel[i] ?? 0) === 1) {
          const p = bloctel.write(`${pop.number[i] ?? ''},${isoUtc(at)}\n`);
          if (p) await p;
        }
      }
    }
  }
  await bloctel.close();
  await consultations.close();

  const assignments = open(
    'assignments.csv',
    'caller_id,client,provider,campaign,valid_from,valid_to,dedicated',
  );
  const validFrom = day(world.start - 60 * 86_400);
  for (const caller of world.callerIds) {
    for (const k of caller.assigned) {
      const campaign = world.campaigns[k];
      if (campaign === undefined) continue;
      await assignments.write(
        `${caller.e164},${clients[campaign.client]?.id ?? ''},${world.providers[caller.provider]?.id ?? ''},${campaign.id},${validFrom},,${caller.dedicated}\n`,
      );
    }
  }
  await assignments.close();
  const campaigns = open('campaigns.csv', 'campaign,client,purpose,sector,dialer');
  for (const campaign of world.campaigns) {
    await campaigns.write(
      `${campaign.id},${clients[campaign.client]?.id ?? ''},${campaign.purpose},${campaign.sector},${campaign.dialer}\n`,
    );
  }
  await campaigns.close();
  return refusals;
}
