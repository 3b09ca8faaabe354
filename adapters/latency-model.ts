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
         * qemu process (device set-up, memory mapping, KVM vcpu threads). 1-2 s on a 2013 host, of
         * which this is the waiting (libvirt's RPC, udev, the monitor socket) and `deployCpu` the work.
         */
        deploy: dist(lognormal(600, 0.3)),
        /**
         * DEPLOY's work on the host's CPU, core-seconds, on top of `deploy`: libvirtd parsing the
         * domain XML and setting up cgroups, the qemu process mapping memory and creating its vcpu
         * and I/O threads. It competes with the booting guests for the host's cores, so a deploy
         * onto a host busy booting takes longer, as it did on the study's loaded hosts.
         */
        deployCpu: dist(lognormal(0.4, 0.3)),
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
         * CPU work in core-seconds from firmware to network-up (kernel, initramfs, init scripts,
         * contextualization) of the study's Debian 7.4 guest. It runs on the host CPU shared with
         * the other guests and the deploys, at most `vcpu` cores at a time (OpenNebula's CPU is a
         * cgroup share, not a cap, so it does not limit a single guest). Calibrated, with `bootWait`,
         * on the study's optimized row (docs/fidelity.md).
         */
        bootCpu: dist(lognormal(4, 0.4)),
        /**
         * The part of the boot that waits without using a core, seconds: udev settling, the init
         * scripts' sleeps and timeouts, dhclient's first DISCOVER back-off. Drawn per VM and long-
         * tailed: a guest that misses a timeout waits for the next one, the stragglers of a burst.
         */
        bootWait: dist(lognormal(34, 0.22)),
        /**
         * MB of the base image a boot reads (kernel, initrd, systemd and its libraries), drawn once
         * per image, not per VM: it is a property of the image. Read from the image store, through
         * the host page cache unless the disk is `cache=none` (`direct-io`).
         */
        bootReadMB: dist(fixed(150)),
        /**
         * Fastest the host's page cache fills from the image store, MB/s: the host kernel's NFS
         * client reads ahead and keeps several requests in flight for it.
         */
        readMaxMBps: z.number().finite().positive().default(100),
        /**
         * A guest disk with cache=none (O_DIRECT) reads through qemu one request at a time, each the
         * size of the guest's own request: a boot's small random reads, 32 KiB on average.
         */
        directRequestKiB: z.number().finite().positive().default(32),
        /** Round trip of one NFS request between a host and the store, ms, besides the server's service: IPoIB on QDR InfiniBand and the host's NFS client. */
        nfsRttMs: z.number().finite().nonnegative().default(0.4),
        /**
         * MB a boot writes to its qcow2 overlay on the shared datastore (logs, the journal, dpkg and
         * cloud-init state, random seed). With cache=writeback the host's page cache absorbs them
         * and flushes later; with writethrough and none the guest waits for the store.
         */
        bootWriteMB: dist(fixed(16)),
        /** From CPU and reads done to NET-MSG sent: DHCP lease and cloud-init's network stage, mostly waiting. */
        network: dist(lognormal(2000, 0.3)),
      })
      .strict()
      .prefault({}),
    /** SSH connection set-up, paid per action with the `ssh` transport (`ssh-per-action`). */
    ssh: z
      .object({
        /**
         * Head-node CPU in core-seconds per connection: the ssh client's fork/exec, key exchange
         * and public-key signature. Measured: 0.05-0.08 s of user+sys per `time ssh host true` in
         * three published timings (docs/fidelity.md), 0.10-0.11 s with bench/ssh-setup.sh on this
         * project's (loaded) build machine; 0.07 on the study's 2.4 GHz Westmere.
         */
        cpu: dist(lognormal(0.07, 0.2)),
        /**
         * The host's CPU per connection, core-seconds: sshd forks and re-executes itself, does its
         * half of the key exchange, verifies the signature, opens the session and starts the login
         * shell. At least the client's share of the handshake, plus a process start on each side:
         * 0.12. On a host busy booting guests it waits for its share of the cores like they do.
         */
        hostCpu: dist(lognormal(0.12, 0.2)),
        /** Network round trips of TCP and the SSH handshake (about eight on an InfiniBand LAN) and sshd's scheduling. */
        latency: dist(lognormal(20, 0.3)),
        /**
         * Connections a TM action opens: 4.4's TM scripts of the shared and qcow2 drivers make the VM's directory on
         * the host (`ssh_make_path`) and then run their command there (`ssh_exec_and_log`, or `scp`
         * for CONTEXT): two each. A VMM action opens one.
         */
        tmConnections: z.int().positive().default(2),
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
