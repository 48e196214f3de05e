import type { Status } from './types';
import { STATUSES } from './types';

export function isStatus(s: string): s is Status {
  return (STATUSES as readonly string[]).includes(s);
}
