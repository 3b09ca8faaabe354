/**
 * The reference stack's public face: what a harness, a CLI or an XML-RPC front end needs.
 *
 *   const profile = resolveProfile({ extends: 'opennebula-4.4', scheduler: { MAX_HOST: 4 } });
 *   const stack = new ReferenceStack({ clock, profile, launcher: farm.launcher });
 *   stack.start();
 *   const endpoint = tableEndpoint(stack.api.table);   // harness/endpoint.ts
 *   ...
 *   stack.stop();
 */
export { ReferenceStack, DEFAULT_USERS, type ReferenceStackOptions } from './reference-stack.js';
export {
  BUILTIN_PROFILES,
  OPENNEBULA_4_4,
  OPTIMIZED,
  PATHOLOGIES,
  PATHOLOGY_DESCRIPTIONS,
  ProfileError,
  profileInputSchema,
  profileSchema,
  resolveProfile,
  type Pathology,
  type StackProfile,
  type StackProfileInput,
} from './profile.js';
export { StackApi, type MethodHandler } from './api.js';
export { STACK_VERSION } from './api-system.js';
export type { CycleResult } from './scheduler.js';
export { DEFAULT_IMAGES } from './image-catalog.js';
export type { ImageRecord } from './records.js';
