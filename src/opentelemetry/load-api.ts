import type * as OpenTelemetryApi from '@opentelemetry/api';

/** The OpenTelemetry API, as this module uses it. */
export type Api = typeof OpenTelemetryApi;

let api: Api | undefined;

/**
 * `@opentelemetry/api`, loaded the first time something is instrumented, never when this entry point is loaded: it
 * is an optional peer, and `rxzk/nestjs` imports this entry point for its `openTelemetry` option whether or not the
 * application has OpenTelemetry. The package's build of this entry point is CommonJS (its ESM entry re-exports it),
 * so `require` is there. A second copy of the API (an ESM one the application imported) shares the same global
 * providers and context manager: the API keeps them on `globalThis`.
 */
export function openTelemetryApi(): Api {
  if (api === undefined) {
    try {
      api = require('@opentelemetry/api') as Api;
    } catch (err) {
      throw new Error('rxzk/opentelemetry needs its optional peer @opentelemetry/api (1.9 or later): npm install @opentelemetry/api', { cause: err });
    }
  }
  return api;
}
