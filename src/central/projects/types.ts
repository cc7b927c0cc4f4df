// Training projects (issue 8, R2): recordings marked for training, and the people who may hear
// them. A recording joins a project under a hold with reason `quality-project`, so it is kept
// (at most 12 months from its start) only while the project needs it.

/** A project's name: plain text typed by staff, shown escaped, never logged nor audited. */
export const PROJECT_NAME_MAX = 120;
/** A project's case reference: what its holds and every listen for it name. */
export const PROJECT_CASE_MAX = 64;

export interface ProjectRecording {
  id: string;
  site: string;
  box: string;
  addedBy: string;
  addedAt: number;
}

export interface TrainingProject {
  /** random, opaque: it appears in URLs, never a name */
  id: string;
  /** free text typed by staff; shown escaped, never logged */
  name: string;
  /** the case reference of the project's holds (and of every listen for it) */
  caseRef: string;
  createdBy: string;
  createdAt: number;
  /** account names of the people who may hear the project's recordings */
  members: string[];
  recordings: ProjectRecording[];
}

/** What the console and the API ask of the project register. */
export interface ProjectsApi {
  list(): Promise<TrainingProject[]>;
  get(id: string): Promise<TrainingProject | undefined>;
  /** the projects an account belongs to */
  ofMember(name: string): Promise<TrainingProject[]>;
  /** the projects a recording is marked for */
  containing(recordingId: string): Promise<TrainingProject[]>;
}

export interface NewProject {
  /** a new random id when absent (the console makes one first, so the audit entry can name it before the project exists) */
  id?: string;
  name: string;
  caseRef: string;
  createdBy: string;
  members?: readonly string[];
}

/**
 * The register's changes, for the console's project pages. A change to a project that does not
 * exist answers undefined (as a missing key does in Level), never an exception.
 */
export interface ProjectRegister extends ProjectsApi {
  create(o: NewProject): Promise<TrainingProject>;
  addMember(id: string, name: string): Promise<TrainingProject | undefined>;
  removeMember(id: string, name: string): Promise<TrainingProject | undefined>;
  addRecording(id: string, rec: Omit<ProjectRecording, 'addedAt'>): Promise<TrainingProject | undefined>;
  removeRecording(id: string, recordingId: string): Promise<TrainingProject | undefined>;
  /** A recording destroyed on its box leaves every project; answers the ids of the projects it left. */
  forget(recordingId: string): Promise<string[]>;
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What is wrong with a name or case reference as typed (trimmed first), or undefined. */
export function projectTextProblem(text: string, max: number): 'empty' | 'long' | 'text' | undefined {
  const v = text.trim();
  if (v === '') return 'empty';
  if (v.length > max) return 'long';
  if (CONTROL.test(v) || LONE_SURROGATE.test(v)) return 'text';
  return undefined;
}
