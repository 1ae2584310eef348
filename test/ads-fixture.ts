/**
 * A small beauty shop for the sponsored-products tests: lipsticks and
 * mascaras of three brands, each brand an advertiser.
 */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { bearer } from './helpers/app.js';

export const P = 'beauty';
export const BRANDS = ['Aurelia', 'Belmonde', 'Corail'] as const;
export const LIP = ['Makeup', 'Lips', 'Lipstick'];
export const EYE = ['Makeup', 'Eyes', 'Mascara'];

/** `aurelia-lip-1`, ... : three lipsticks and two mascaras per brand. */
export function productId(brand: string, kind: 'lip' | 'eye', n: number): string {
  return `${brand.toLowerCase()}-${kind}-${n}`;
}

export async function stockBeautyShop(app: FastifyInstance, project = P): Promise<void> {
  expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: project } })).statusCode).toBe(200);
  for (const brand of BRANDS) {
    for (const [kind, path, count] of [['lip', LIP, 3], ['eye', EYE, 2]] as const) {
      for (let n = 1; n <= count; n++) {
        const id = productId(brand, kind, n);
        const title = `${brand} ${kind === 'lip' ? 'lipstick' : 'mascara'} ${n}`;
        const res = await app.inject({ method: 'PUT', url: `/v1/projects/${project}/catalog/items/${id}`, payload: { title, brand, categoryPath: path, price: { amount: 1500, currency: 'EUR' }, availability: 'in_stock' } });
        expect(res.statusCode, res.body).toBe(200);
      }
    }
  }
  const settings = await app.inject({ method: 'PATCH', url: `/v1/projects/${project}/adsSettings`, payload: { currency: 'EUR', reservePrice: 5 } });
  expect(settings.statusCode, settings.body).toBe(200);
}

/** Creates an advertiser per brand (ids `aurelia`, ...). */
export async function createAdvertisers(app: FastifyInstance, project = P): Promise<void> {
  for (const brand of BRANDS) {
    const res = await app.inject({ method: 'POST', url: `/v1/projects/${project}/advertisers`, payload: { name: brand.toLowerCase(), brand } });
    expect(res.statusCode, res.body).toBe(200);
  }
}

export const eur = (amount: number) => ({ amount, currency: 'EUR' });

export async function createCampaign(app: FastifyInstance, advertiser: string, body: Record<string, unknown>, project = P): Promise<any> {
  const res = await app.inject({ method: 'POST', url: `/v1/projects/${project}/advertisers/${advertiser}/campaigns`, payload: body });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** A service-account key holding `role` in the project, on `resource` when given. */
export async function keyWithRole(app: FastifyInstance, name: string, role: string, resource?: string, project = P): Promise<string> {
  expect((await app.inject({ method: 'POST', url: `/v1/projects/${project}/serviceAccounts`, payload: { name } })).statusCode).toBe(200);
  const key = (await app.inject({ method: 'POST', url: `/v1/projects/${project}/serviceAccounts/${name}/keys`, payload: {} })).json().key as string;
  const bound = await app.inject({ method: 'POST', url: `/v1/projects/${project}/bindings`, payload: { principal: `serviceAccount:${name}@${project}`, role, ...(resource ? { resource } : {}) } });
  expect(bound.statusCode, bound.body).toBe(200);
  return key;
}

export const as = (app: FastifyInstance, key: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  app.inject({ method, url, headers: bearer(key), ...(payload ? { payload } : {}) });

let events = 0;
/** An ad event (impression, click, purchase) with a fresh id unless one is given. */
export function adEvent(type: 'impression' | 'click' | 'purchase', resolvedBidId: string, who: { userId?: string; sessionId?: string } = { userId: 'u1', sessionId: 's1' }, extra: Record<string, unknown> = {}) {
  return { eventId: `ad-${++events}-${type}`, type, ...who, resolvedBidId, eventTime: new Date().toISOString(), ...extra };
}
