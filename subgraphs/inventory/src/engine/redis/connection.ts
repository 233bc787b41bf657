import { Cluster, Command, Redis } from 'ioredis';
import { isNoScript, loadScripts, luaScripts, scriptShas, type ScriptName } from '../redis-scripts.js';

export interface ConnectionOptions {
  /** `redis://host:port/db`. */
  url: string;
  /**
   * Redis Cluster: its nodes (`host:port`, a few are enough to find the rest). `url` then
   * only lends its user name and password.
   */
  clusterNodes?: readonly string[] | undefined;
  /** Connection errors (the client reconnects by itself); readiness reports them too. */
  onConnectionError?: (error: Error) => void;
}

/** A script's reply: bulk strings as Buffers (the class strings are binary). */
export type Reply = Buffer | number | null | Reply[];
export const text = (reply: Reply | undefined): string =>
  Buffer.isBuffer(reply) ? reply.toString() : String(reply ?? '');

/** A Redis Cluster client: replies to reads may come from masters only (seats must be current). */
function clusterClient(options: ConnectionOptions): Cluster {
  const { username, password } = new URL(options.url);
  const nodes = (options.clusterNodes ?? []).map((node) => {
    const [host, port] = node.split(':');
    return { host: host ?? '127.0.0.1', port: Number(port ?? 6379) };
  });
  return new Cluster(nodes, {
    lazyConnect: true,
    enableAutoPipelining: true,
    scaleReads: 'master',
    redisOptions: {
      maxRetriesPerRequest: 2,
      ...(username ? { username: decodeURIComponent(username) } : {}),
      ...(password ? { password: decodeURIComponent(password) } : {}),
    },
  });
}

/**
 * The engine's Redis client (one Redis, or a Cluster when nodes are given) and its script
 * calls: the scripts are loaded once (again after a NOSCRIPT) and called with EVALSHA.
 */
export class RedisConnection {
  readonly redis: Redis | Cluster;
  /** A Cluster: each run's batch is its own call, and hold look-ups are their own commands. */
  readonly clustered: boolean;
  private scriptsLoaded: Promise<void> | null = null;

  constructor(options: ConnectionOptions) {
    this.clustered = (options.clusterNodes?.length ?? 0) > 0;
    this.redis = this.clustered
      ? clusterClient(options)
      : // Commands issued in one tick (a rush's holds and confirmations) go out in one write.
        new Redis(options.url, { maxRetriesPerRequest: 2, lazyConnect: true, enableAutoPipelining: true });
    this.redis.on('error', options.onConnectionError ?? (() => undefined));
  }

  ensureScripts(): Promise<void> {
    // A cluster's nodes each load a script the first time they run it (the EVAL below).
    const redis = this.redis;
    if (redis instanceof Cluster) return Promise.resolve();
    this.scriptsLoaded ??= loadScripts(redis).catch((error: unknown) => {
      this.scriptsLoaded = null;
      throw error;
    });
    return this.scriptsLoaded;
  }

  /** A command; replies come as Buffers where asked (the bitmaps are binary), strings otherwise. */
  send(name: string, args: Array<string | number>, binary = false): Promise<unknown> {
    const command = new Command(name, args, binary ? { replyEncoding: null } : { replyEncoding: 'utf8' });
    void this.redis.sendCommand(command);
    return command.promise;
  }

  /**
   * EVALSHA; when the node lost the script (restart, SCRIPT FLUSH, a cluster node running it
   * the first time) the same call goes as EVAL with the source, which loads it there.
   */
  async evalScript(name: ScriptName, keys: string[], args: Array<string | number>): Promise<Reply> {
    await this.ensureScripts();
    try {
      return await this.sendScript('EVALSHA', scriptShas[name], keys, args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      this.scriptsLoaded = null;
      return await this.sendScript('EVAL', luaScripts[name], keys, args);
    }
  }

  /** Resolves once connected, answering and with the scripts loaded. */
  async ready(): Promise<void> {
    if (this.redis.status === 'wait') await this.redis.connect();
    await this.redis.ping();
    await this.ensureScripts();
  }

  close(): void {
    this.redis.disconnect();
  }

  /**
   * EVALSHA or EVAL. The client copies a command's arguments with Array.prototype.flat,
   * which for a combined hold call of hundreds of arguments costs more than all else it does
   * with them, so a script call's arguments are put in place, flat, after the command is made
   * (these commands have no argument transformer to miss).
   */
  private sendScript(name: 'EVALSHA' | 'EVAL', script: string, keys: string[], args: Array<string | number>) {
    const command = new Command(name, [], { replyEncoding: null });
    command.args = ([script, keys.length] as Array<string | number>).concat(keys, args);
    command.stringifyArguments();
    void this.redis.sendCommand(command);
    return command.promise as Promise<Reply>;
  }
}
