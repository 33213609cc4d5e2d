// The vocabulary of experiments (A/B): what an experiment and its variants are, as stored and served.

export type ExperimentStatus = 'draft' | 'running' | 'stopped' | 'ended';

/** What a variant changes about the lists of the users assigned to it; unset fields keep the defaults. */
export interface VariantSettings {
  /** A published model version (its collections must still exist); unset: the live version. */
  modelVersion?: string;
  /** Rule set name handed to the rules stage (opaque here); unset: the default rules. */
  ruleSet?: string;
  /** MMR λ replacing the request's diversity. */
  diversity?: number;
  /** Candidates fetched from the vector store per list (at least the page plus one). */
  candidateCount?: number;
}

export interface Variant extends VariantSettings {
  name: string;
  /** Share of users in (0, 1]; the shares of an experiment sum to at most 1 (the rest is outside it). */
  share: number;
}

export interface Experiment {
  id: number;
  name: string;
  salt: string;
  status: ExperimentStatus;
  variants: Variant[];
  createdAt: Date;
  startedAt: Date | null;
  stoppedAt: Date | null;
  endedAt: Date | null;
}

/** The experiment and variant a list was served under. */
export interface Assignment {
  experimentId: number;
  experiment: string;
  variant: Variant;
}
