// The register of training projects, in the indexer's LevelDB. Few projects, each small: one JSON
// value a project, read whole. Every write goes through one queue, so two staff changing one
// project at once (or a recording forgotten while another is added) cannot lose a change.
import { randomUUID } from 'node:crypto';
import type { AbstractLevel, AbstractSublevel } from 'abstract-level';
import type { Clock } from '../../core/clock.js';
import { keyspaces } from '../index/keys.js';
import { PROJECT_CASE_MAX, PROJECT_NAME_MAX, projectTextProblem, type NewProject, type ProjectRecording, type ProjectRegister, type TrainingProject } from './types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyLevel = AbstractLevel<any, any, any>;

const byNewest = (a: TrainingProject, b: TrainingProject) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class ProjectStore implements ProjectRegister {
  private readonly db: AbstractSublevel<AnyLevel, unknown, string, TrainingProject>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(level: AnyLevel, private readonly clock: Clock) {
    this.db = level.sublevel<string, TrainingProject>(keyspaces.projects, { valueEncoding: 'json' });
  }

  /** Newest first. */
  async list(): Promise<TrainingProject[]> {
    return (await this.db.values().all()).sort(byNewest);
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

  /** Rejects with a TypeError for a name or case reference the console would have refused, or an id in use. */
  create(o: NewProject): Promise<TrainingProject> {
    const name = projectTextProblem(o.name, PROJECT_NAME_MAX);
    const caseRef = projectTextProblem(o.caseRef, PROJECT_CASE_MAX);
    if (name) return Promise.reject(new TypeError(`a training project's name must be plain text of 1–${PROJECT_NAME_MAX} characters (${name})`));
    if (caseRef) return Promise.reject(new TypeError(`a training project's case reference must be plain text of 1–${PROJECT_CASE_MAX} characters (${caseRef})`));
    const project: TrainingProject = {
      id: o.id ?? randomUUID(), name: o.name.trim(), caseRef: o.caseRef.trim(), createdBy: o.createdBy,
      createdAt: this.clock.now(), members: [...new Set(o.members ?? [])], recordings: [],
    };
    return this.serial(async () => {
      if (await this.db.get(project.id)) throw new TypeError(`a training project ${project.id} exists already`);
      await this.db.put(project.id, project);
      return project;
    });
  }

  addMember(id: string, name: string): Promise<TrainingProject | undefined> {
    return this.change(id, (p) => (p.members.includes(name) ? p : { ...p, members: [...p.members, name] }));
  }

  removeMember(id: string, name: string): Promise<TrainingProject | undefined> {
    return this.change(id, (p) => (p.members.includes(name) ? { ...p, members: p.members.filter((m) => m !== name) } : p));
  }

  addRecording(id: string, rec: Omit<ProjectRecording, 'addedAt'>): Promise<TrainingProject | undefined> {
    return this.change(id, (p) => (p.recordings.some((r) => r.id === rec.id) ? p : { ...p, recordings: [...p.recordings, { ...rec, addedAt: this.clock.now() }] }));
  }

  removeRecording(id: string, recordingId: string): Promise<TrainingProject | undefined> {
    return this.change(id, (p) => (p.recordings.some((r) => r.id === recordingId) ? { ...p, recordings: p.recordings.filter((r) => r.id !== recordingId) } : p));
  }

  /**
   * A recording destroyed on its box (expiry, early deletion) leaves every project, in one write
   * and in the queue: a project that gains it while this runs is seen, not missed.
   */
  forget(recordingId: string): Promise<string[]> {
    return this.serial(async () => {
      const changed = (await this.db.values().all())
        .filter((p) => p.recordings.some((r) => r.id === recordingId))
        .map((p) => ({ ...p, recordings: p.recordings.filter((r) => r.id !== recordingId) }));
      if (changed.length > 0) await this.db.batch(changed.map((p) => ({ type: 'put' as const, key: p.id, value: p })));
      return changed.map((p) => p.id);
    });
  }

  private change(id: string, fn: (p: TrainingProject) => TrainingProject): Promise<TrainingProject | undefined> {
    return this.serial(async () => {
      const p = await this.db.get(id);
      if (!p) return undefined;
      const next = fn(p);
      if (next !== p) await this.db.put(id, next);
      return next;
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => {});
    return run;
  }
}
