import type { KeyObject } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { AuditLog } from '../core/audit/index.js';
import type { Clock } from '../core/clock.js';
import { AccountsFile, CONSOLE_ACCOUNT_RULES } from '../core/auth/index.js';
import { readTlsFiles } from '../core/config/read-files.js';
import { fleetTopics, parseTopic } from '../core/protocol/topics.js';
import { exportOgg } from '../core/recording/export-ogg.js';
import { keyForWrapped, SealingKeyRing, type PrivateSealingKey } from '../core/seal/index.js';
import { buildApi } from './api/server.js';
import type { Alarm } from './api/types.js';
import type { IndexerConfig } from './config.js';
import { Fleet } from './fleet/fleet.js';
import { CallIndex } from './index/call-index.js';
import { connectBroker } from './ingest/broker.js';
import { CentralCommands } from './ingest/commands.js';
import { Ingest } from './ingest/ingest.js';
import { checkBlindIndexKey, openCallNumbers } from './numbers.js';
import { ProjectStore } from './projects/store.js';
import { CopyKeeper } from './copies/keeper.js';
import { CopyStore } from './copies/store.js';
import { Playback } from './playback/playback.js';
import { FieldSealer } from './registers/sealer.js';

export interface IndexerOptions {
  config: IndexerConfig;
  /** the controller key; after a rotation, the ring of the current and previous keys (docs/indexer.md) */
  sealingKey: PrivateSealingKey | SealingKeyRing;
  commandKey: KeyObject;
  clock: Clock;
  log: Logger;
  /** false: no HTTP listener (tests that drive the API with inject) */
  listen?: boolean;
}

const EXPIRY_CHECK_MS = 60_000;

/**
 * The central indexer: box events into the call index, the fleet's state, missed expiries as
 * alarms, signed commands out, and the HTTP API on top. It holds the controller's private key
 * (to open numbers for the blind index and recordings for playback; after a rotation, the
 * previous keys too, for what was sealed to them) and the command key.
 */
export class Indexer {
  private expiryTimer: ReturnType<typeof setInterval> | undefined;
  private overdue: Alarm[] = [];
  private lastCompact = 0;

  private constructor(
    readonly index: CallIndex,
    readonly fleet: Fleet,
    readonly audit: AuditLog,
    readonly ingest: Ingest,
    readonly commands: CentralCommands,
    readonly api: FastifyInstance,
    readonly client: MqttClient,
    readonly copies: CopyKeeper,
    readonly projects: ProjectStore,
    private readonly o: IndexerOptions,
  ) {}

  static async start(o: IndexerOptions): Promise<Indexer> {
    const { config, clock, log } = o;
    // Files first: a missing one stops the start before anything is opened that would need closing.
    const tls = await readTlsFiles(config.mqtt, 'mqtt');
    const tlsFiles = config.api.tls ? await readTlsFiles(config.api.tls, 'api.tls') : undefined;
    const https = tlsFiles?.cert && tlsFiles.key ? { cert: tlsFiles.cert, key: tlsFiles.key } : undefined;
    const keys = SealingKeyRing.of(o.sealingKey);
    const blindKey = keys.blindIndexKey();
    const index = await CallIndex.open(config.storage.path, {
      blindKey,
      openMeta: (call) => openCallNumbers(call, keys),
      clock,
      countryCode: config.numbers.countryCode,
    });
    try {
      await checkBlindIndexKey(index, keys, log);
    } catch (err) {
      await index.close();
      throw err;
    }
    const audit = await AuditLog.open(index.db, { clock });
    const fleet = await Fleet.open(index.db, { lostAfterMs: config.fleet.lostAfterS * 1000 });
    let client: MqttClient | undefined;
    const publish = async (topic: string, payload: string, opts: { retain?: boolean } = {}) => {
      await client!.publishAsync(topic, payload, { qos: 1, retain: opts.retain ?? false });
    };
    const commands = new CentralCommands({ privateKey: o.commandKey, indexerId: config.indexer.id, clock, log, publish, timeoutMs: config.fleet.commandTimeoutS * 1000 });
    const projects = new ProjectStore(index.db, clock);
    const ingest = new Ingest({
      index, fleet, clock, log, publish,
      // A destroyed recording leaves the training projects; its central copy goes at the next check.
      onDeleted: (id) => void projects.forget(id).catch((err: Error) => log.error({ recording: id, err: err.message }, 'a deleted recording could not be taken out of its training projects')),
      resync: async (site, box, from) => {
        const reply = await commands.send({ site, box, verb: 'resync', args: { from } });
        if (!reply.ok) log.warn({ site, box, reason: reply.reason }, 'the box refused a resync');
      },
    });
    const topics = fleetTopics(config.mqtt.shareGroup);
    client = connectBroker(
      { url: config.mqtt.url, clientId: `indexer-${config.indexer.id}`, protocolVersion: config.mqtt.protocolVersion, log, ...(tls ? { tls } : {}) },
      [topics.state, topics.status, topics.evt, topics.audit, topics.reply],
      (topic, payload, retained) => {
        if (parseTopic(topic)?.kind === 'reply') commands.onReply(payload);
        else ingest.onMessage(topic, payload, retained);
      },
    );
    const fetch = (site: string, box: string, id: string) => commands.fetch(site, box, id);
    const copyStore = new CopyStore(index.db);
    const copies = new CopyKeeper({
      store: copyStore, index, fetch, audit, clock, log,
      online: (site, box) => fleet.list(clock.now()).some((b) => b.site === site && b.box === box && b.state !== 'lost'),
    });
    const playback = new Playback({ copies: copyStore, fetch, key: keys });
    let indexer: Indexer | undefined;
    const api = buildApi({
      index, fleet, commands, audit, clock, log, playback, projects,
      ...(https ? { https } : {}),
      tokens: config.api.tokens.map((t) => ({ ...t, ...(t.sites ? { sites: [...t.sites] } : {}) })),
      alarms: () => indexer?.alarms() ?? [],
      openNumbers: (call) => openCallNumbers(call, keys),
      commandTimeoutMs: config.fleet.commandTimeoutS * 1000,
      console: {
        accounts: new AccountsFile(config.console.users, { ...CONSOLE_ACCOUNT_RULES, clock }),
        totpRoles: config.console.totpRoles,
        sessionMinutes: config.console.sessionMinutes,
        language: config.console.language,
        index, fleet, audit, clock, log, commands, projects, playback, copies,
        db: index.db,
        countryCode: config.numbers.countryCode,
        sealer: new FieldSealer(keys, blindKey),
        ...(config.controller ? { controller: config.controller } : {}),
        auditHeads: () => ingest.auditHeads,
        secure: https !== undefined,
      },
    });
    indexer = new Indexer(index, fleet, audit, ingest, commands, api, client, copies, projects, o);
    await audit.append({
      actor: 'system', action: 'service-start', result: 'ok',
      // Audit details are flat: the previous key ids go comma-separated ('' when none).
      detail: { indexer: config.indexer.id, keyId: keys.current.keyId, previousKeyIds: keys.previous.map((k) => k.keyId).join(','), blindIndexFrom: keys.blindIndexFrom },
    });
    if (o.listen !== false) {
      try {
        await api.listen({ host: config.api.host, port: config.api.port });
      } catch (err) {
        // A port in use: close what is open, so the process can exit with the error.
        await indexer.stop().catch(() => {});
        throw err;
      }
      log.info({ host: config.api.host, port: config.api.port, tls: https !== undefined }, 'indexer API listening');
    }
    await indexer.checkExpiries();
    indexer.expiryTimer = setInterval(() => void indexer!.checkExpiries(), EXPIRY_CHECK_MS);
    return indexer;
  }

  /**
   * Calls whose expiry passed a grace period ago with no `deleted` from their box (R4); and the
   * central copies of held recordings: made where missing, destroyed at their expiry.
   */
  async checkExpiries(): Promise<void> {
    const { config, clock, log } = this.o;
    try {
      await this.copies.reconcile();
    } catch (err) {
      log.error({ err: (err as Error).message }, 'central copy check failed');
    }
    try {
      const overdue = await this.index.overdue(clock.now(), config.fleet.expiryGraceHours * 3_600_000);
      const before = new Set(this.overdue.map((a) => a.target));
      this.overdue = overdue.map((c) => ({
        kind: 'missed-expiry', site: c.site, box: c.box, target: c.id, since: c.expiresAt,
        message: `recording ${c.id} should have been destroyed at ${new Date(c.expiresAt).toISOString()}; the box has not reported it: check the box's clock and sweeper`,
      }));
      for (const a of this.overdue) if (!before.has(a.target)) log.error({ site: a.site, box: a.box, recording: a.target }, 'a box missed an expiry');
      // A deleted entry's wrapped key and sealed numbers stay in LevelDB's files until they are
      // compacted away; once an hour is enough for a sweep that runs daily on the boxes.
      if (this.ingest.stats.deletions > 0 && clock.now() - this.lastCompact > 3_600_000) {
        this.ingest.stats.deletions = 0;
        this.lastCompact = clock.now();
        await this.index.compact();
      }
    } catch (err) {
      log.error({ err: (err as Error).message }, 'expiry check failed');
    }
  }

  /** Every alarm in force: missed expiries, and boxes lost or in alert. */
  alarms(): Alarm[] {
    const now = this.o.clock.now();
    const fleet = this.fleet.list(now).flatMap((b): Alarm[] => {
      const reported = (b.status?.alarms ?? []).map((a) => ({ kind: a.kind, site: b.site, box: b.box, since: a.since, message: a.message }));
      if (b.state !== 'lost') return reported;
      // What a silent box last reported still stands until it says otherwise.
      return [
        { kind: 'box-lost', site: b.site, box: b.box, since: b.lastSeen, message: 'the box is silent: check its network and power' },
        ...reported.map((a) => ({ ...a, message: `${a.message} (last reported before the box went silent)` })),
      ];
    });
    const unreadable = [...this.ingest.unreadableNumbers.values()].map((u): Alarm => ({
      kind: 'numbers-unreadable', site: u.site, box: u.box, since: u.since,
      message: 'calls from this box carry numbers none of the indexer\'s controller keys can open: check the box\'s seal.publicKey, or list the key it seals to under keys.previous',
    }));
    return [...fleet, ...this.overdue, ...unreadable];
  }

  /** A recording's audio, fetched sealed from its box and unsealed here: the same Ogg Opus bytes as the box's own export. */
  async exportRecording(site: string, box: string, id: string): Promise<Buffer> {
    const fetched = await this.commands.fetch(site, box, id);
    const { ogg } = await exportOgg({ ...fetched.record, id }, fetched.chunks, keyForWrapped(this.o.sealingKey, fetched.record.wrappedKey));
    return ogg;
  }

  async stop(): Promise<void> {
    clearInterval(this.expiryTimer);
    await this.api.close();
    await this.ingest.stop().catch(() => {});
    await this.client.endAsync();
    await this.audit.idle().catch(() => {});
    await this.index.close();
  }
}
