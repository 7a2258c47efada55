import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './prometheus.js';

export const MOSQUITTO_BIN = '/usr/sbin/mosquitto';
const MOSQUITTO_PASSWD_BIN = '/usr/bin/mosquitto_passwd';
export const HAVE_MOSQUITTO = existsSync(MOSQUITTO_BIN) && existsSync(MOSQUITTO_PASSWD_BIN);
export const NO_MOSQUITTO_MESSAGE = `${MOSQUITTO_BIN} is absent: install Debian's mosquitto package (apt-get install -y mosquitto) to run these tests`;

export interface MosquittoOptions {
  /** user -> password, written with mosquitto_passwd; clients without a user name stay anonymous (allowed). */
  passwords: Readonly<Record<string, string>>;
  /** The acl_file's text (mosquitto.conf(5): `user`, `topic read|write|readwrite|deny`). */
  acl: string;
  /** More mosquitto.conf lines for the WebSocket listener (e.g. `max_keepalive 10`). */
  listenerConfig?: readonly string[];
}

/** A real mosquitto started by the test (never systemd), serving MQTT over WebSocket on 127.0.0.1. */
export interface RealMosquitto {
  /** The WebSocket listener's port. */
  port: number;
  /** The broker's own log (`log_type all`: one line per packet it sends or receives), without timestamps. */
  log: string[];
  /** Log lines from index `from` on that match `pattern`. */
  count(pattern: RegExp, from?: number): number;
  stop(): Promise<void>;
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startMosquitto(options: MosquittoOptions): Promise<RealMosquitto> {
  const dir = await mkdtemp(join(tmpdir(), 'pushbench-mosquitto-'));
  const passwordFile = join(dir, 'passwords');
  await writeFile(passwordFile, '');
  for (const [user, password] of Object.entries(options.passwords)) execFileSync(MOSQUITTO_PASSWD_BIN, ['-b', passwordFile, user, password]);
  const aclFile = join(dir, 'acl');
  await writeFile(aclFile, options.acl);
  const [tcpPort, port] = [await freePort(), await freePort()];
  const config = join(dir, 'mosquitto.conf');
  // mosquitto 2.0.11 exits ("Unable to start any listening sockets") when every listener is a
  // WebSocket one, so a plain MQTT listener (refusing everyone) comes first. Without
  // `socket_domain ipv4` the WebSocket listener binds every interface despite its address. Started as
  // root it would drop to the `mosquitto` user, which cannot read the test's private temp folder.
  await writeFile(
    config,
    [
      `user ${userInfo().username}`,
      'per_listener_settings true',
      `listener ${tcpPort} 127.0.0.1`,
      'allow_anonymous false',
      `listener ${port} 127.0.0.1`,
      'socket_domain ipv4',
      'protocol websockets',
      'allow_anonymous true',
      `password_file ${passwordFile}`,
      `acl_file ${aclFile}`,
      ...(options.listenerConfig ?? []),
      'persistence false',
      'log_dest stderr', // unbuffered: the log is read while the broker runs
      'log_type all',
      'log_timestamp false',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(MOSQUITTO_BIN, ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  let partial = '';
  const take = (chunk: Buffer): void => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    log.push(...lines);
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!(log.some((line) => line.includes(' running')) && (await accepts(port)))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`mosquitto did not start: ${log.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    log,
    count: (pattern, from = 0) => log.slice(from).filter((line) => pattern.test(line)).length,
    stop,
  };
}
