import { z } from 'zod';
import { DistributionSchema, fixed, lognormal, type Distribution } from '../sim/random.js';

/**
 * How long the emulated hosts take to do things, as plain data (a scenario file can override any
 * field; the rest keep their defaults). Every figure is a distribution, drawn per action from a
 * stream named by the VM (or host) and the action, so it does not depend on what else runs.
 *
 * Units: `*Ms` fields and the TM/VMM/IM/ssh latencies are emulated milliseconds; CPU work is in
 * core-seconds; sizes in MB; speeds in MB per emulated second.
 *
 * The defaults are plausible, documented guesses for the study's cluster (16 hosts x 8 cores,
 * KVM, qcow2 images on a shared NFS datastore served by the front-end); calibration against the
 * study's published stage times is a later step. Each says what real operation it stands for
 * and why that size.
 */

const d = DistributionSchema;
const dist = (fallback: Distribution) => d.default(fallback);

export const LatencyModelSchema = z
  .object({
    /** One TM action = one line of the transfer file = one script run on the front-end. */
    tm: z
      .object({
        /**
         * CLONE of a qcow2 image: an overlay is created, not a copy (`qemu-img create -f qcow2 -b
         * <base>` on the shared datastore). qemu-img itself takes tens of ms; the bash/ruby TM
         * script and its remote command make it about half a second.
         */
        clone: dist(lognormal(500, 0.3)),
        /** LN of a persistent image: a symlink made over ssh; script overhead only. */
        ln: dist(lognormal(300, 0.3)),
        /** MKIMAGE of a volatile disk: `qemu-img create` plus `mkfs` of a filesystem; mkfs writes metadata, so longer. */
        mkimage: dist(lognormal(800, 0.4)),
        /** MKSWAP: a sparse file and `mkswap` on it. */
        mkswap: dist(lognormal(400, 0.3)),
        /** CONTEXT: `genisoimage` of the context files into a small ISO, copied to the host. */
        context: dist(lognormal(600, 0.3)),
        /** DELETE of a disk or of the VM directory: `rm -rf` over ssh. */
        delete: dist(lognormal(250, 0.3)),
        /** MVDS of a persistent disk back into its datastore: a rename on shared storage. */
        mvds: dist(lognormal(400, 0.3)),
        /** MV between hosts or datastores (stop, resume, migrate): a rename on shared storage. */
        mv: dist(lognormal(400, 0.3)),
        /** CPDS (save-as): a full copy of a disk, seconds even for a small image. */
        cpds: dist(lognormal(5000, 0.4)),
      })
      .strict()
      .prefault({}),
    vmm: z
      .object({
        /**
         * DEPLOY: `virsh create` of the deployment file: libvirt defines the domain and starts the
         * qemu process (device set-up, memory mapping, KVM vcpu threads). 1-2 s on a 2013 host.
         */
        deploy: dist(lognormal(1500, 0.3)),
        /** SHUTDOWN: ACPI power-off and waiting until the domain is gone: the guest's own shutdown, several seconds. */
        shutdown: dist(lognormal(6000, 0.5)),
        /** CANCEL: `virsh destroy`: the qemu process is killed. */
        cancel: dist(lognormal(400, 0.3)),
      })
      .strict()
      .prefault({}),
    im: z
      .object({
        /** MONITOR: the probes run on the host over ssh (CPU, memory, datastore, VM list). */
        monitor: dist(lognormal(700, 0.3)),
      })
      .strict()
      .prefault({}),
    /** The guest's boot, after DEPLOY SUCCESS, up to its NET-MSG. */
    guest: z
      .object({
        /**
         * CPU work in core-seconds from firmware to network-up (kernel, initramfs, systemd,
         * cloud-init) of a typical Linux cloud image of 2013: about 14 s on one uncontended vcpu,
         * widely spread (cv 0.4: fsck, entropy waits, cloud-init modules). It runs on the host CPU
         * shared with the other guests, at most `vcpu` cores at a time (OpenNebula's CPU is a
         * cgroup share, not a cap, so it does not limit a single guest).
         * Calibrated so that the nightly burst (512 VMs on 16 x 8 cores, profile optimized) lands
         * on the published study's tuned figures, mean 53.5 s and slowest 87.8 s: seeds 1-3 give
         * means of 50.9-54.2 s and maxima of 83-93 s.
         */
        bootCpu: dist(lognormal(14, 0.4)),
        /**
         * MB of the base image a boot reads (kernel, initrd, systemd and its libraries), drawn once
         * per image, not per VM: it is a property of the image. Read from the image store, through
         * the host page cache unless the disk is `cache=none` (`direct-io`).
         */
        bootReadMB: dist(fixed(150)),
        /**
         * Fastest a single boot's reads go, MB/s: small random reads through qemu over NFS, one
         * request at a time, not a streaming copy.
         */
        readMaxMBps: z.number().finite().positive().default(100),
        /** From CPU and reads done to NET-MSG sent: DHCP lease and cloud-init's network stage, mostly waiting. */
        network: dist(lognormal(2000, 0.3)),
      })
      .strict()
      .prefault({}),
    /** SSH connection set-up, paid per action with the `ssh` transport (`ssh-per-action`). */
    ssh: z
      .object({
        /**
         * Head-node CPU in core-seconds per connection: fork/exec of ssh, key exchange and public
         * key authentication: a few tens of ms of one core.
         */
        cpu: dist(lognormal(0.04, 0.2)),
        /** Network round trips of TCP and the SSH handshake plus sshd's fork and PAM on the host. */
        latency: dist(lognormal(150, 0.3)),
      })
      .strict()
      .prefault({}),
    /** How long an action on a crashed host takes to fail: ARP gives up after about 3 s, then "No route to host". */
    unreachableMs: dist(fixed(3000)),
    /**
     * Per-host speed factor drawn once per host (1 = nominal; 1.2 = 20% slower latencies and CPU
     * work). Hosts of one purchase are alike, hence fixed 1; widen it to model a mixed fleet.
     */
    hostSlowdown: dist(fixed(1)),
  })
  .strict();

export type LatencyModel = z.infer<typeof LatencyModelSchema>;
/** What a scenario may write: any subset of the model. */
export type LatencyModelInput = z.input<typeof LatencyModelSchema>;

/** The TM actions the farm emulates, by the transfer-file verb in lower case. */
export type TmVerb = keyof LatencyModel['tm'];
export const TM_VERBS = Object.keys(LatencyModelSchema.shape.tm.unwrap().shape) as TmVerb[];

export const DEFAULT_LATENCY: LatencyModel = LatencyModelSchema.parse({});
