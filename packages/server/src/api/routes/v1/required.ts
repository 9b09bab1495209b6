import { AppError } from '../../../shared/index.js';

/** The service a route needs, or 503 UNAVAILABLE on a server built without it (`what` names it). */
export function required<T>(service: T | undefined, what: string): T {
  if (!service) throw new AppError('UNAVAILABLE', `${what} is not available on this server`);
  return service;
}
