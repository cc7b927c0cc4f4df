// Training projects (issue 8, R2): recordings marked for training, and the people who may hear
// them. A recording joins a project under a hold with reason `quality-project`, so it is kept
// (at most 12 months from its start) only while the project needs it.

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
