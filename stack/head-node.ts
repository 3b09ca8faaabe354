/**
 * What the API's methods work on: the head node's pools and managers. The reference stack builds
 * one; a method module receives it and nothing else.
 */
import type { Clock } from '../sim/clock.js';
import type { ImageCatalog } from './image-catalog.js';
import type { Lifecycle } from './lifecycle.js';
import type { HostPool, TemplatePool, VmPool } from './pools.js';
import type { StackProfile } from './profile.js';

export interface HeadNode {
  clock: Clock;
  profile: StackProfile;
  vms: VmPool;
  hosts: HostPool;
  templates: TemplatePool;
  images: ImageCatalog;
  lifecycle: Lifecycle;
}
