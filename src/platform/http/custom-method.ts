/**
 * The path segment of a Google-style custom method (`/operations/{id}:cancel`,
 * `/endpoints/{e}:predict`, AIP-136). Fastify's router reads `:id::cancel` as
 * one parameter named "id::cancel"; a parameter with a regex that stops at the
 * colon, followed by an escaped literal colon, routes it correctly.
 *
 * @example
 * app.post(`/v1/projects/:project/operations/${customMethod('operation', 'cancel')}`, ...)
 */
export function customMethod(param: string, verb: string): string {
  return `:${param}(^[^:/]+)::${verb}`;
}
