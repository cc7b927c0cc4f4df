// The register of training projects, in the indexer's LevelDB. Few projects, each small: one JSON
// value a project, read whole. Writes to one project are serialised so two staff adding
// recordings at once cannot lose one another's change.
import { randomUUID } from 'node:crypto';
import type { AbstractLevel, AbstractSublevel } from 'abstract-level';
import type { Clock } from '../../core/clock.js';
import { keyspaces } from '../index/keys.js';
import type { ProjectRecording, ProjectsApi, TrainingProject } from './types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyLevel = AbstractLevel<any, any, any>;

export class ProjectStore implements ProjectsApi {
  private readonly db: AbstractSublevel<AnyLevel, unknown, string, TrainingProject>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(level: AnyLevel, private readonly clock: Clock) {
    this.db = level.sublevel<string, TrainingProject>(keyspaces.projects, { valueEncoding: 'json' });
  }

  async list(): Promise<TrainingProject[]> {
    const all = await this.db.values().all();
    return all.sort((a, b) => b.createdAt - a.createdAt);
  }

  async get(id: string): Promise<TrainingProject | undefined> {
    return (await this.db.get(id)) ?? undefined;
  }

  async ofMember(name: string): Promise<TrainingProject[]> {
    return (await this.list()).filter((p) => p.members.includes(name));
  }

  async containing(recordingId: string): Promise<TrainingProject[]> {
    return (await this.list()).filter((p) => p.recordings.some((r) => r.id === recordingId));
  }

  async create(o: { name: string; caseRef: string; createdBy: string; members?: string[] }): Promise<TrainingProject> {
    const project: TrainingProject = { id: randomUUID(), name: o.name, caseRef: o.caseRef, createdBy: o.createdBy, createdAt: this.clock.now(), members: [...new Set(o.members ?? [])], recordings: [] };
    await this.db.put(project.id, project);
    return project;
  }

  addMember(id: string, name: string): Promise<TrainingProject> {
    return this.change(id, (p) => (p.members.includes(name) ? p : { ...p, members: [...p.members, name] }));
  }

  removeMember(id: string, name: string): Promise<TrainingProject> {
    return this.change(id, (p) => ({ ...p, members: p.members.filter((m) => m !== name) }));
  }

  addRecording(id: string, rec: Omit<ProjectRecording, 'addedAt'>): Promise<TrainingProject> {
    return this.change(id, (p) => (p.recordings.some((r) => r.id === rec.id) ? p : { ...p, recordings: [...p.recordings, { ...rec, addedAt: this.clock.now() }] }));
  }

  removeRecording(id: string, recordingId: string): Promise<TrainingProject> {
    return this.change(id, (p) => ({ ...p, recordings: p.recordings.filter((r) => r.id !== recordingId) }));
  }

  /** A recording destroyed on its box (expiry, early deletion) leaves every project. */
  async forget(recordingId: string): Promise<void> {
    for (const p of await this.containing(recordingId)) await this.removeRecording(p.id, recordingId);
  }

  private change(id: string, fn: (p: TrainingProject) => TrainingProject): Promise<TrainingProject> {
    const run = this.queue.then(async () => {
      const p = await this.db.get(id);
      if (!p) throw Object.assign(new Error(`no training project ${id}`), { code: 'TAL_NOT_FOUND' });
      const next = fn(p);
      if (next !== p) await this.db.put(id, next);
      return next;
    });
    this.queue = run.catch(() => {});
    return run;
  }
}
