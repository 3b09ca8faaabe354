/**
 * The images a VM template's DISK can name. The reference stack has no image datastore driver:
 * it starts with a seeded catalog, as a test cloud starts with its base images registered.
 */
import type { ImageRecord } from './records.js';

/** Where the head node keeps VM directories and the system datastore, as a default install does. */
export const VMS_DIR = '/var/lib/one/vms';
export const DATASTORES_DIR = '/var/lib/one/datastores';
export const SYSTEM_DS_ID = 0;
/** TM_MAD of system datastore 0 in 4.4's default install (7.x ships `local`). */
export const SYSTEM_DS_TM_MAD = 'shared';

/** Image 0 "base": a qcow2 image in the default image datastore 1, as the study's template used. */
export const DEFAULT_IMAGES: readonly ImageRecord[] = [
  {
    id: 0,
    name: 'base',
    datastoreId: 1,
    datastore: 'default',
    tmMad: 'qcow2',
    // image SOURCEs are the md5 of a random string in OpenNebula; a fixed one keeps runs identical
    source: `${DATASTORES_DIR}/1/8a3f1e2bd49c5a07e1f6c3d2b0a9e8f7`,
    format: 'qcow2',
    sizeMiB: 2048,
    persistent: false,
  },
];

export class ImageCatalog {
  private readonly byId = new Map<number, ImageRecord>();

  constructor(images: readonly ImageRecord[] = DEFAULT_IMAGES) {
    for (const image of images) {
      if (this.byId.has(image.id)) throw new Error(`image catalog: image id ${image.id} appears twice`);
      this.byId.set(image.id, image);
    }
  }

  get(id: number): ImageRecord | undefined {
    return this.byId.get(id);
  }

  /** IMAGE = name (and optionally IMAGE_UNAME, which only oneadmin owns here). */
  byName(name: string): ImageRecord | undefined {
    for (const image of this.byId.values()) if (image.name === name) return image;
    return undefined;
  }

  all(): ImageRecord[] {
    return [...this.byId.values()];
  }
}
