import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { truncate } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort, startDaemon, waitUntil, type Daemon } from './local-services.js';

const run = promisify(execFile);

export interface LocalS3 {
  readonly endpoint: string;
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  /** The FACECRAFT_S3_* variables for this server. */
  readonly env: Record<string, string>;
  readonly client: S3Client;
  stop(): Promise<void>;
}

/**
 * A real S3 server: Debian's Ceph (one monitor, one BlueStore OSD on a sparse 4 GiB file, the
 * RADOS Gateway) on 127.0.0.1, with cephx authentication, in a temporary folder. Comes up in
 * about half a minute and about 250 MB of memory. The BlueStore block file lives outside the
 * OSD's data folder, and the OSD's mkfs runs without the monitor's configuration
 * (--no-mon-config), as this Ceph needs.
 */
export async function startCephRgw(): Promise<LocalS3> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'facecraft-ceph-'));
  const daemons: Daemon[] = [];
  const [monPort, rgwPort] = [await freePort(), await freePort()];
  const fsid = randomUUID();
  const conf = path.join(dir, 'ceph.conf');
  for (const sub of ['mon', 'osd0', 'run', 'log', 'rgw']) mkdirSync(path.join(dir, sub));
  writeFileSync(
    conf,
    `[global]
fsid = ${fsid}
mon host = [v2:127.0.0.1:${monPort}]
mon initial members = a
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = ${dir}/admin.keyring
run dir = ${dir}/run
admin socket = ${dir}/run/$name.asok
log file = ${dir}/log/$name.log
pid file = ${dir}/run/$name.pid
ms bind ipv4 = true
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
osd objectstore = bluestore
[mon.a]
mon data = ${dir}/mon
[osd.0]
osd data = ${dir}/osd0
keyring = ${dir}/osd0/keyring
bluestore block path = ${dir}/osd0-block
osd memory target = 939524096
bluestore cache autotune = false
bluestore cache size = 67108864
[client.rgw.a]
keyring = ${dir}/rgw.keyring
rgw frontends = beast endpoint=127.0.0.1:${rgwPort}
rgw data = ${dir}/rgw
rgw dns name = 127.0.0.1
`,
  );
  const ceph = (...args: string[]) => run('ceph', ['-c', conf, ...args], { timeout: 60_000 });
  const stopAll = async () => {
    for (const daemon of daemons.reverse()) await daemon.stop(10_000);
    // FACECRAFT_TEST_KEEP_CEPH=1 keeps the folder (its log/ holds each daemon's log) to look into a failure.
    if (!process.env.FACECRAFT_TEST_KEEP_CEPH) rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Keys: the monitor's and the admin's (cephx).
    await run('ceph-authtool', ['--create-keyring', `${dir}/mon.keyring`, '--gen-key', '-n', 'mon.', '--cap', 'mon', 'allow *']);
    await run('ceph-authtool', ['--create-keyring', `${dir}/admin.keyring`, '--gen-key', '-n', 'client.admin', '--cap', 'mon', 'allow *', '--cap', 'osd', 'allow *', '--cap', 'mgr', 'allow *']);
    await run('ceph-authtool', [`${dir}/mon.keyring`, '--import-keyring', `${dir}/admin.keyring`]);
    await run('monmaptool', ['--create', '--addv', 'a', `[v2:127.0.0.1:${monPort}]`, '--fsid', fsid, `${dir}/monmap`]);
    await run('ceph-mon', ['-c', conf, '--mkfs', '-i', 'a', '--monmap', `${dir}/monmap`, '--keyring', `${dir}/mon.keyring`]);
    daemons.push(startDaemon('ceph-mon', 'ceph-mon', ['-f', '-c', conf, '-i', 'a']));
    await waitUntil(async () => (await ceph('mon', 'stat')).stdout.includes('a'), 30_000, () => daemons[0].output());

    // One OSD on a sparse file.
    const osdUuid = randomUUID();
    const osdKey = (await run('ceph-authtool', ['--gen-print-key'])).stdout.trim();
    writeFileSync(`${dir}/osd-secret.json`, JSON.stringify({ cephx_secret: osdKey }));
    const osdId = (await ceph('osd', 'new', osdUuid, '-i', `${dir}/osd-secret.json`)).stdout.trim();
    if (osdId !== '0') throw new Error(`expected OSD id 0, got ${osdId}`);
    writeFileSync(`${dir}/osd0/keyring`, `[osd.0]\n\tkey = ${osdKey}\n`);
    writeFileSync(`${dir}/osd0-block`, '');
    await truncate(`${dir}/osd0-block`, 4 * 1024 ** 3);
    await run('ceph-osd', ['-c', conf, '-i', '0', '--mkfs', '--osd-uuid', osdUuid, '--no-mon-config'], { timeout: 120_000 });
    daemons.push(startDaemon('ceph-osd', 'ceph-osd', ['-f', '-c', conf, '-i', '0']));
    await waitUntil(async () => /1 up/.test((await ceph('osd', 'stat')).stdout), 60_000, () => daemons[1].output());

    // The gateway, and an S3 user with fixed keys.
    await ceph('auth', 'get-or-create', 'client.rgw.a', 'mon', 'allow rw', 'osd', 'allow rwx', '-o', `${dir}/rgw.keyring`);
    daemons.push(startDaemon('radosgw', 'radosgw', ['-f', '-c', conf, '-n', 'client.rgw.a']));
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    await waitUntil(async () => (await fetch(endpoint)).status < 500, 90_000, () => daemons[2].output());
    const accessKeyId = `FC${randomBytes(8).toString('hex').toUpperCase()}`;
    const secretAccessKey = randomBytes(20).toString('base64url');
    await run('radosgw-admin', ['-c', conf, 'user', 'create', '--uid', 'facecraft', '--display-name', 'Facecraft tests', '--access-key', accessKeyId, '--secret', secretAccessKey], { timeout: 60_000 });

    const bucket = 'facecraft-test';
    const region = 'us-east-1';
    const client = new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
    await waitUntil(
      async () => {
        await client.send(new CreateBucketCommand({ Bucket: bucket }));
        return true;
      },
      30_000,
      () => daemons[2].output(),
    );
    return {
      endpoint,
      bucket,
      accessKeyId,
      secretAccessKey,
      region,
      client,
      env: {
        FACECRAFT_STORE: 's3',
        FACECRAFT_S3_ENDPOINT: endpoint,
        FACECRAFT_S3_BUCKET: bucket,
        FACECRAFT_S3_REGION: region,
        FACECRAFT_S3_ACCESS_KEY_ID: accessKeyId,
        FACECRAFT_S3_SECRET_ACCESS_KEY: secretAccessKey,
        FACECRAFT_S3_FORCE_PATH_STYLE: 'true',
      },
      async stop() {
        client.destroy();
        await stopAll();
      },
    };
  } catch (error) {
    const logs = daemons.map((d) => `--- ${d.name}\n${d.output().slice(-2000)}`).join('\n');
    await stopAll();
    throw new Error(`Ceph RADOS Gateway did not start (in ${dir}): ${(error as Error).message}\n${logs}`);
  }
}
