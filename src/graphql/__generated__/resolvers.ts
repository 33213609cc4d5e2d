// Generated from schema.graphql by scripts/codegen.ts — do not edit.
/* eslint-disable */
import type { GraphQLResolveInfo } from 'graphql';
import type { ItemRow } from '../../db/items.js';
import type { UserRow } from '../../db/users.js';
import type { WorkRef } from '../../db/works.js';
import type { RequestContext } from '../context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
};

/**
 * recgraph: personalized recommendations, similar items, search and popular lists over your catalog.
 * Ids are the catalog's own (external) ids: the ones your frontend already knows.
 */
export type Query = {
  __typename?: 'Query';
  /**
   * Personalized recommendations for a user, never including what they already interacted with.
   * Which branch answered (model vector, fold-in of fresh events, popular for unknown users) is in `strategy`.
   * Page with `after: pageInfo.endCursor`.
   */
  recommendations: RecommendationList;
  /**
   * Items like this one: COLLABORATIVE (people who liked it also liked), SEMANTIC (similar text), IMAGE (similar
   * pictures, when the model was trained with an image encoder) or HYBRID (all the item has, fused).
   */
  similarItems: RecommendationList;
  /** Text search over titles, creators, genres, tags and descriptions. */
  search: RecommendationList;
  /**
   * Recommendations for an anonymous visitor from the few items they clicked (no account needed). A malformed id is
   * left out and named in `extensions.rejectedInputs`; the other items still count.
   */
  recommendForSession: RecommendationList;
  /** Most interacted-with items over a time window. */
  popular: RecommendationList;
  /**
   * The newest items: by when they entered the catalogue (first ingested or upserted; a re-ingest or an update does
   * not make an item new again), newest first. `score` is that time in Unix seconds. Page with `after`.
   */
  latest: RecommendationList;
  /**
   * Items whose interactions grow fastest against their own baseline, not the most interacted-with:
   * growth = (w + 3) / (b / 7 + 3), where w = distinct users with an event on the item in the window and b = those in
   * the 7 windows before it (the item's usual rate per window); an item needs w >= 3 and growth > 1. `score` is the
   * growth. With no item growing in the window the answer is all-time popular items, saying so in `reason`.
   */
  trending: RecommendationList;
  /**
   * Users with the closest taste (nearest user vectors of the active model; the user themself left out). A user with
   * events newer than the model (or unseen by it) is folded in first (`strategy: FOLD_IN`); the neighbours found are
   * users the model was trained on. An unknown user is NOT_FOUND; one without events, or before the first training, gets
   * an empty list with `strategy: NONE` and the reason.
   */
  similarUsers: SimilarUserList;
  /** One item by id, or null when it does not exist (or was deleted). */
  item?: Maybe<Item>;
  /**
   * Items by id, in the order asked; null where an id does not exist. A malformed id (empty, over 256 characters,
   * U+0000, a lone surrogate) is null too, with a BAD_USER_INPUT error at its path (`["items", index]`).
   */
  items: Array<Maybe<Item>>;
  /** A user by id, or null when unknown. */
  user?: Maybe<User>;
  /** The model currently serving, or null before the first training. */
  modelInfo?: Maybe<ModelInfo>;
  /** Every experiment, newest first. */
  experiments: Array<Experiment>;
  /**
   * Per variant: lists served, users, CTR@K and conversion per event kind with 95 % Wilson score intervals, catalogue
   * coverage. Counts only events sent with the `recommendationId` of a list that showed the item.
   */
  experimentReport: ExperimentReport;
  /** Training jobs, newest first (trainModel, the RECGRAPH_RETRAIN_EVERY schedule, `recgraph train`). */
  trainingJobs: Array<TrainingJob>;
  /** One training job by id, or null. */
  trainingJob?: Maybe<TrainingJob>;
  /** The business rules (live ones; with `ruleSet`, that set's only), oldest first. */
  businessRules: Array<BusinessRule>;
  /** Every recorded model version, newest first, the live one marked. */
  modelVersions: Array<ModelVersion>;
};


/**
 * recgraph: personalized recommendations, similar items, search and popular lists over your catalog.
 * Ids are the catalog's own (external) ids: the ones your frontend already knows.
 */
export type QueryRecommendationsArgs = {
  userId: Scalars['ID']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ItemFilter>;
  diversity?: InputMaybe<Scalars['Float']['input']>;
  explain?: InputMaybe<Scalars['Boolean']['input']>;
};


/**
 * recgraph: personalized recommendations, similar items, search and popular lists over your catalog.
 * Ids are the catalog's own (external) ids: the ones your frontend already knows.
 */
export type QuerySimilarItemsArgs = {
  itemId: Scalars['ID']['input'];
  mode?: InputMaybe<SimilarityMode>;
  first?: InputMaybe<Scalars['Int']['input']>;
  filter?: InputMaybe<ItemFilter>;
};


/**
 * recgraph: personalized recommendations, similar items, search and popular lists over your catalog.
 * Ids are the catalog's own (external) ids: the ones your frontend already knows.
 */
export type QuerySearchArgs = {
  query: Scalars['String']['input'];
  mode?: InputMaybe<SearchMode>;
  first?: InputMaybe<Scalars['Int']['input']>;
  filter?: InputMaybe<ItemFilter>;
};


/**
 * recgraph: personalized recommendations, similar items, search and popular lists over your catalog.
 * Ids are the catalog's own (external) ids: the ones your frontend already knows.
 */
export type QueryRecommendForSessionArgs = {
  itemIds: Array<Scalars['ID']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  filter?: InputMaybe<ItemFilter>;
};


/**
 * recgraph: personalized recommendations, similar items, search and popular lists over your catalog.
 * Ids are the catalog's own (external) ids: the ones your frontend already knows.
 */
export type QueryPopularArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  window?: InputMaybe<PopularWindow>;
  filter?: InputMaybe<ItemFilter>;
};


/**
 * recgraph: personalized recommendations, similar items, search and popular lists over your catalog.
 * Ids are the catalog's own (external) ids: the ones your frontend already knows.
 */
export type QueryLatestArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ItemFilter>;
};


/**
 * recgraph: personalized recommendations, similar items, search and popular lists over your catalog.
 * Ids are the catalog's own (external) ids: the ones your frontend already knows.
 */
export type QueryTrendingArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  window?: InputMaybe<TrendingWindow>;
  filter?: InputMaybe<ItemFilter>;
};


/**
 * recgraph: personalized recommendations, similar items, search and popular lists over your catalog.
 * Ids are the catalog's own (external) ids: the ones your frontend already knows.
 */
export type QuerySimilarUsersArgs = {
  userId: Scalars['ID']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};


/**
 * recgraph: personalized recommendations, similar items, search and popular lists over your catalog.
 * Ids are the catalog's own (external) ids: the ones your frontend already knows.
 */
export type QueryItemArgs = {
  id: Scalars['ID']['input'];
};


/**
 * recgraph: personalized recommendations, similar items, search and popular lists over your catalog.
 * Ids are the catalog's own (external) ids: the ones your frontend already knows.
 */
export type QueryItemsArgs = {
  ids: Array<Scalars['ID']['input']>;
};


/**
 * recgraph: personalized recommendations, similar items, search and popular lists over your catalog.
 * Ids are the catalog's own (external) ids: the ones your frontend already knows.
 */
export type QueryUserArgs = {
  id: Scalars['ID']['input'];
};


/**
 * recgraph: personalized recommendations, similar items, search and popular lists over your catalog.
 * Ids are the catalog's own (external) ids: the ones your frontend already knows.
 */
export type QueryExperimentReportArgs = {
  name: Scalars['String']['input'];
  k?: InputMaybe<Scalars['Int']['input']>;
  clickKind?: InputMaybe<Scalars['String']['input']>;
};


/**
 * recgraph: personalized recommendations, similar items, search and popular lists over your catalog.
 * Ids are the catalog's own (external) ids: the ones your frontend already knows.
 */
export type QueryTrainingJobsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


/**
 * recgraph: personalized recommendations, similar items, search and popular lists over your catalog.
 * Ids are the catalog's own (external) ids: the ones your frontend already knows.
 */
export type QueryTrainingJobArgs = {
  id: Scalars['ID']['input'];
};


/**
 * recgraph: personalized recommendations, similar items, search and popular lists over your catalog.
 * Ids are the catalog's own (external) ids: the ones your frontend already knows.
 */
export type QueryBusinessRulesArgs = {
  ruleSet?: InputMaybe<Scalars['String']['input']>;
};

export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Records feedback events. Durable in Postgres before this returns (one transaction: all of the call's accepted
   * events or, on an error, none), and visible in the very next response: interacted items are excluded, and the
   * user's vector is folded in from the new events without retraining. Unknown users are created; unknown items and
   * malformed events are rejected alone (see `rejected`), the rest proceed. Every event is accounted for:
   * `recorded + rejected + duplicates` = the number of events sent.
   * With an `Idempotency-Key` request header (1–200 visible ASCII characters, e.g. a UUID), a retry of the same call
   * records nothing again and returns the first answer; the same key with other events is IDEMPOTENCY_KEY_REUSED.
   * Keys are kept 24 hours. Requires the API key.
   */
  recordInteractions: RecordInteractionsPayload;
  /**
   * Creates or updates items; a new item gets its semantic vector at once (searchable and similar-able). All or nothing:
   * a bad item (or an id repeated in the call) refuses the call with BAD_USER_INPUT naming its index. Requires the API
   * key.
   */
  upsertItems: UpsertItemsPayload;
  /** Deletes items: they are never recommended again (their past events stay for audit). Requires the API key. */
  deleteItems: DeleteItemsPayload;
  /** Creates an experiment (status DRAFT). Variants' shares must each be > 0 and sum to at most 1. Requires the API key. */
  createExperiment: Experiment;
  /** Starts (or resumes) an experiment: users are assigned from their next request. Requires the API key. */
  startExperiment: Experiment;
  /** Pauses an experiment: lists are served without it until it is started again. Requires the API key. */
  stopExperiment: Experiment;
  /** Ends an experiment for good (its report stays). Requires the API key. */
  endExperiment: Experiment;
  /**
   * Starts a background training job (a child process: serving is not blocked) and returns it. One job runs at a time
   * across replicas: while one is queued or running, that job is returned (`started: false`). The new version goes live
   * only if it passes the promotion gate (see TrainingJob.gate). Requires the API key.
   */
  trainModel: TrainModelPayload;
  /**
   * Creates or replaces business rules by id. All or nothing: a bad rule (or an id repeated in the call) refuses the
   * call with BAD_USER_INPUT naming its index and the reason. Applies to every list within RECGRAPH_RULES_REFRESH_MS on
   * every replica (at once on the one that wrote it). Requires the API key.
   */
  upsertBusinessRules: UpsertBusinessRulesPayload;
  /** Deletes business rules by id: they stop applying. Requires the API key. */
  deleteBusinessRules: DeleteBusinessRulesPayload;
  /**
   * Makes an exported model version live: one atomic alias switch (this server follows at once, other replicas within
   * 5 s). An unknown, pruned or failed version is BAD_USER_INPUT. Requires the API key.
   */
  activateModelVersion: ModelSwitchPayload;
  /** Makes the previously live model version live again; BAD_USER_INPUT when there is none. Requires the API key. */
  rollbackModelVersion: ModelSwitchPayload;
};


export type MutationRecordInteractionsArgs = {
  input: Array<InteractionInput>;
};


export type MutationUpsertItemsArgs = {
  input: Array<ItemInput>;
};


export type MutationDeleteItemsArgs = {
  ids: Array<Scalars['ID']['input']>;
};


export type MutationCreateExperimentArgs = {
  input: ExperimentInput;
};


export type MutationStartExperimentArgs = {
  name: Scalars['String']['input'];
};


export type MutationStopExperimentArgs = {
  name: Scalars['String']['input'];
};


export type MutationEndExperimentArgs = {
  name: Scalars['String']['input'];
};


export type MutationTrainModelArgs = {
  input?: InputMaybe<TrainModelInput>;
};


export type MutationUpsertBusinessRulesArgs = {
  input: Array<BusinessRuleInput>;
};


export type MutationDeleteBusinessRulesArgs = {
  ids: Array<Scalars['ID']['input']>;
};


export type MutationActivateModelVersionArgs = {
  version: Scalars['ID']['input'];
};

/** A catalog item (book, movie, product …). */
export type Item = {
  __typename?: 'Item';
  id: Scalars['ID']['output'];
  title: Scalars['String']['output'];
  creators: Array<Scalars['String']['output']>;
  genres: Array<Scalars['String']['output']>;
  tags: Array<Scalars['String']['output']>;
  year?: Maybe<Scalars['Int']['output']>;
  publisher?: Maybe<Scalars['String']['output']>;
  description?: Maybe<Scalars['String']['output']>;
  imageUrl?: Maybe<Scalars['String']['output']>;
  language?: Maybe<Scalars['String']['output']>;
  /** The work this item is an edition of (an item with no other editions is a work of one edition). */
  work: Work;
  /** Ids of the other live editions of this item's work, preferred edition first (empty for a work of one edition). */
  otherEditions: Array<Scalars['ID']['output']>;
};

/**
 * A work: the editions of one book (ISBNs, formats, printings) grouped by title and creator, as ingest and
 * upsertItems group them. Lists show a work once, as one of its editions.
 */
export type Work = {
  __typename?: 'Work';
  /** The id of the work's first edition (its lowest internal id): stable while any of its editions remains. */
  id: Scalars['ID']['output'];
  /** The live editions, preferred first: most interacted-with, then newest. */
  editions: Array<Item>;
  /** How many live editions the work has. */
  editionCount: Scalars['Int']['output'];
};


/**
 * A work: the editions of one book (ISBNs, formats, printings) grouped by title and creator, as ingest and
 * upsertItems group them. Lists show a work once, as one of its editions.
 */
export type WorkEditionsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type User = {
  __typename?: 'User';
  id: Scalars['ID']['output'];
  /** The user's events, newest first. */
  history: HistoryConnection;
};


export type UserHistoryArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};

export type HistoryConnection = {
  __typename?: 'HistoryConnection';
  events: Array<HistoryEvent>;
  pageInfo: PageInfo;
};

export type HistoryEvent = {
  __typename?: 'HistoryEvent';
  item: Item;
  kind: Scalars['String']['output'];
  value: Scalars['Float']['output'];
  occurredAt: Scalars['String']['output'];
};

/**
 * Restricts any list. Applied inside the vector search, so lists stay full. A malformed element of a list here (U+0000,
 * a lone surrogate, too long) is left out and named in the response's `extensions.rejectedInputs`
 * (`{ argument, index, reason }`); the rest of the filter applies.
 */
export type ItemFilter = {
  /** Items having any of these genres. */
  genres?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Items having any of these tags. */
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Items by any of these creators. */
  creators?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Inclusive lower bound on the year. */
  yearFrom?: InputMaybe<Scalars['Int']['input']>;
  /** Inclusive upper bound on the year. */
  yearTo?: InputMaybe<Scalars['Int']['input']>;
  /** Never return these items. */
  excludeIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** Only editions of this work (a work id, or the id of any of its editions). */
  workId?: InputMaybe<Scalars['ID']['input']>;
};

export type SimilarityMode =
  | 'COLLABORATIVE'
  | 'SEMANTIC'
  | 'HYBRID'
  /** Nearest neighbours of the item's image (items_image); an item without one is answered as COLLABORATIVE, and the reason says so. */
  | 'IMAGE'
  /**
   * The catalogue's own item-item relations (Amazon's bought together, also bought, then also viewed, kept by
   * `ingest amazon`), in that order; an item without any is answered like HYBRID, saying so in `reason`.
   */
  | 'RELATED';

export type SearchMode =
  /** Meaning: the text encoder's vectors. */
  | 'SEMANTIC'
  /** Words: Postgres full-text search. */
  | 'KEYWORD'
  /** Both, fused by reciprocal rank. */
  | 'HYBRID';

/** How far back `trending` looks; its baseline is the 7 windows before. */
export type TrendingWindow =
  | 'LAST_DAY'
  | 'LAST_7_DAYS'
  | 'LAST_30_DAYS';

export type PopularWindow =
  | 'ALL_TIME'
  | 'LAST_30_DAYS'
  | 'LAST_7_DAYS';

/** Which signal put an item in a list. */
export type RecommendationSource =
  /** Nearest neighbours in the collaborative (interaction) vector space. */
  | 'COLLABORATIVE'
  /** Nearest neighbours in the semantic (text) vector space. */
  | 'SEMANTIC'
  /** Matched the words of a search. */
  | 'KEYWORD'
  /** Most interacted-with items. */
  | 'POPULAR'
  /** Same creator as the item asked about. */
  | 'SAME_CREATOR'
  /** From the items of an anonymous session. */
  | 'SESSION'
  /** Placed at its position by a PIN business rule. */
  | 'PINNED'
  /** Nearest neighbours in the image vector space (a CLIP-style encoder's vectors of item images). */
  | 'IMAGE'
  /** Newest in the catalogue (`latest`). */
  | 'LATEST'
  /** Growing fastest against its own baseline (`trending`). */
  | 'TRENDING'
  /** The catalogue lists it as bought with the item asked about (bought together, also bought). */
  | 'ALSO_BOUGHT'
  /** The catalogue lists it as viewed with the item asked about (also viewed). */
  | 'ALSO_VIEWED';

/** How a list was produced: the branch of the cold-start policy that answered. */
export type Strategy =
  /** The user's (or item's) vector in the active model. */
  | 'MODEL'
  /** A user vector folded in at request time from events newer than the model (or unknown to it). */
  | 'FOLD_IN'
  /** Semantic neighbours: the item has no collaborative vector (e.g. added after training). */
  | 'SEMANTIC'
  /** Items by the same creator: the item has neither a collaborative nor a semantic vector. */
  | 'SAME_CREATOR'
  /** A session's clicked items. */
  | 'SESSION'
  /** A text search. */
  | 'SEARCH'
  /** Popular items: nothing personal is known, or the vector store is unavailable. */
  | 'POPULAR'
  /** Newest items (`latest`). */
  | 'LATEST'
  /** Items growing fastest against their own baseline (`trending`). */
  | 'TRENDING'
  /** The catalogue's own item-item relations (`similarItems(mode: RELATED)`). */
  | 'RELATED'
  /** Nothing to go on (a user without events, no trained model): the list is empty and `reason` says why. */
  | 'NONE';

export type ScoredItem = {
  __typename?: 'ScoredItem';
  item: Item;
  /** Higher is better; comparable only within one list. */
  score: Scalars['Float']['output'];
  source: RecommendationSource;
  /** Why this item is here; only when `explain: true` was asked. */
  explanation?: Maybe<Explanation>;
  /** Ids of the business rules that moved or placed this item (boost, bury, pin), in the order they applied. */
  appliedRules: Array<Scalars['ID']['output']>;
};

export type Explanation = {
  __typename?: 'Explanation';
  /** A sentence a person can read, e.g. "Because you liked Dune". */
  text: Scalars['String']['output'];
  /** The items of the user's history that pulled this one in, most influential first. */
  becauseOf: Array<Item>;
};

export type RecommendationList = {
  __typename?: 'RecommendationList';
  items: Array<ScoredItem>;
  strategy: Strategy;
  /** Why the list looks the way it does when it is not the model's own answer (unknown user, degraded service …). */
  reason?: Maybe<Scalars['String']['output']>;
  /** The model version that produced the list, when a model did. */
  modelVersion?: Maybe<Scalars['String']['output']>;
  pageInfo: PageInfo;
  /** This list's id: send it as `recommendationId` with the events on its items (attribution to an experiment). */
  recommendationId: Scalars['ID']['output'];
  /** The experiment and variant the list was served under; null outside experiments. */
  experiment?: Maybe<ExperimentAssignment>;
};

/** A user and how close their taste is to the one asked about. */
export type ScoredUser = {
  __typename?: 'ScoredUser';
  user: User;
  /** Dot product of the two user vectors: higher is closer; comparable only within one list. */
  score: Scalars['Float']['output'];
};

export type SimilarUserList = {
  __typename?: 'SimilarUserList';
  users: Array<ScoredUser>;
  strategy: Strategy;
  reason?: Maybe<Scalars['String']['output']>;
  modelVersion?: Maybe<Scalars['String']['output']>;
  pageInfo: PageInfo;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  /** Pass as `after` to get the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type ModelInfo = {
  __typename?: 'ModelInfo';
  version: Scalars['String']['output'];
  kind: Scalars['String']['output'];
  trainedAt: Scalars['String']['output'];
  activatedAt?: Maybe<Scalars['String']['output']>;
  /** Events created after this instant are folded in at request time. */
  dataCutoff: Scalars['String']['output'];
  dimension: Scalars['Int']['output'];
  /** Evaluation and training figures recorded with the model (JSON object). */
  metrics: Scalars['String']['output'];
};

export type InteractionInput = {
  userId: Scalars['ID']['input'];
  itemId: Scalars['ID']['input'];
  /**
   * view, click, like, purchase, rating … (default: interaction). Each kind weighs what RECGRAPH_EVENT_WEIGHTS says;
   * kinds in RECGRAPH_NEGATIVE_KINDS (default dislike, hide, not_interested, return) are negative feedback: the item
   * never comes back to this user and similar items sink in their lists.
   */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** Strength or rating (default 1). */
  value?: InputMaybe<Scalars['Float']['input']>;
  /**
   * Time of the event (default: when the call is recorded): an ISO-8601 / RFC 3339 date (`2024-05-01`, midnight UTC) or
   * date-time with a zone (`2024-05-01T12:30:00Z`, `2024-05-01T14:30:00.250+02:00`), from 1970 to a day ahead.
   */
  occurredAt?: InputMaybe<Scalars['String']['input']>;
  /** The `recommendationId` of the list the item was shown in: attributes the event to that list's experiment variant. */
  recommendationId?: InputMaybe<Scalars['ID']['input']>;
};

export type RecordInteractionsPayload = {
  __typename?: 'RecordInteractionsPayload';
  /** Events stored by this call. */
  recorded: Scalars['Int']['output'];
  /** Events not recorded, each with the reason (unknown item, bad value …). */
  rejected: Array<RejectedInput>;
  /**
   * Positions of events identical to one already stored (same user, item, kind and `occurredAt` to the millisecond,
   * earlier in this call or before it): stored once. Events without `occurredAt` in one call share its time, so
   * repeating one there makes a duplicate; send distinct times for distinct events.
   */
  duplicates: Array<Scalars['Int']['output']>;
};

export type RejectedInput = {
  __typename?: 'RejectedInput';
  /** Position in the input list. */
  index: Scalars['Int']['output'];
  reason: Scalars['String']['output'];
};

export type ItemInput = {
  id: Scalars['ID']['input'];
  title: Scalars['String']['input'];
  creators?: InputMaybe<Array<Scalars['String']['input']>>;
  genres?: InputMaybe<Array<Scalars['String']['input']>>;
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
  year?: InputMaybe<Scalars['Int']['input']>;
  publisher?: InputMaybe<Scalars['String']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  imageUrl?: InputMaybe<Scalars['String']['input']>;
  language?: InputMaybe<Scalars['String']['input']>;
};

export type UpsertItemsPayload = {
  __typename?: 'UpsertItemsPayload';
  created: Scalars['Int']['output'];
  updated: Scalars['Int']['output'];
  items: Array<Item>;
};

export type DeleteItemsPayload = {
  __typename?: 'DeleteItemsPayload';
  deleted: Scalars['Int']['output'];
  /** Ids that did not exist (or were already deleted). */
  notFound: Array<Scalars['ID']['output']>;
  /** Malformed ids (empty, too long, U+0000, a lone surrogate), each with its position and reason. */
  rejected: Array<RejectedInput>;
};

export type ExperimentStatus =
  | 'DRAFT'
  | 'RUNNING'
  | 'STOPPED'
  | 'ENDED';

export type ExperimentAssignment = {
  __typename?: 'ExperimentAssignment';
  name: Scalars['String']['output'];
  variant: Scalars['String']['output'];
};

export type Experiment = {
  __typename?: 'Experiment';
  name: Scalars['String']['output'];
  status: ExperimentStatus;
  /** Assignment is a hash of the user id and this salt: the same user gets the same variant on every replica. */
  salt: Scalars['String']['output'];
  variants: Array<ExperimentVariant>;
  createdAt: Scalars['String']['output'];
  startedAt?: Maybe<Scalars['String']['output']>;
  stoppedAt?: Maybe<Scalars['String']['output']>;
  endedAt?: Maybe<Scalars['String']['output']>;
};

export type ExperimentVariant = {
  __typename?: 'ExperimentVariant';
  name: Scalars['String']['output'];
  /** Share of users (0–1]. */
  share: Scalars['Float']['output'];
  /** Model version serving this variant; null = the live version. */
  modelVersion?: Maybe<Scalars['String']['output']>;
  /** Rule set applied to this variant's lists; null = the default rules. */
  ruleSet?: Maybe<Scalars['String']['output']>;
  /** Diversity (MMR λ) overriding the request's; null = the request's. */
  diversity?: Maybe<Scalars['Float']['output']>;
  /** Candidates fetched from the vector store per list (at least the page); null = the default. */
  candidateCount?: Maybe<Scalars['Int']['output']>;
};

export type ExperimentInput = {
  /** 1–100 characters: letters, digits, `-`, `_`, `.`. */
  name: Scalars['String']['input'];
  /** Default: the name (a new salt re-shuffles users). */
  salt?: InputMaybe<Scalars['String']['input']>;
  variants: Array<ExperimentVariantInput>;
};

export type ExperimentVariantInput = {
  name: Scalars['String']['input'];
  share: Scalars['Float']['input'];
  modelVersion?: InputMaybe<Scalars['String']['input']>;
  ruleSet?: InputMaybe<Scalars['String']['input']>;
  diversity?: InputMaybe<Scalars['Float']['input']>;
  candidateCount?: InputMaybe<Scalars['Int']['input']>;
};

export type ExperimentReport = {
  __typename?: 'ExperimentReport';
  name: Scalars['String']['output'];
  status: ExperimentStatus;
  k: Scalars['Int']['output'];
  clickKind: Scalars['String']['output'];
  /** How the intervals are computed. */
  interval: Scalars['String']['output'];
  variants: Array<VariantReport>;
};

export type VariantReport = {
  __typename?: 'VariantReport';
  variant: Scalars['String']['output'];
  /** Lists served. */
  impressions: Scalars['Int']['output'];
  users: Scalars['Int']['output'];
  /** Share of lists with at least one `clickKind` event on one of their top K items. */
  ctrAtK: Proportion;
  /** Per event kind: share of lists with at least one such event on one of their items. */
  conversions: Array<KindConversion>;
  /** Distinct items shown ÷ items in the catalogue. */
  catalogueCoverage: Scalars['Float']['output'];
};

export type KindConversion = {
  __typename?: 'KindConversion';
  kind: Scalars['String']['output'];
  lists: Scalars['Int']['output'];
  rate: Proportion;
};

/** A proportion with its 95 % confidence interval. */
export type Proportion = {
  __typename?: 'Proportion';
  successes: Scalars['Int']['output'];
  trials: Scalars['Int']['output'];
  rate: Scalars['Float']['output'];
  low: Scalars['Float']['output'];
  high: Scalars['Float']['output'];
};

export type TrainingJobState =
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED';

export type TrainedModel =
  /** iALS ⊕ low-pass vectors (the default). */
  | 'DEFAULT'
  /** Two-stage graph filter: vectors → item-item rerank. */
  | 'GRAPHFILTER';

export type TrainModelInput = {
  model?: InputMaybe<TrainedModel>;
  /** iALS overrides: factors, iterations, regularization, alpha, regExponent. */
  params?: InputMaybe<Array<ModelParamInput>>;
};

export type ModelParamInput = {
  name: Scalars['String']['input'];
  value: Scalars['Float']['input'];
};

export type TrainModelPayload = {
  __typename?: 'TrainModelPayload';
  job: TrainingJob;
  /** False when a job was already queued or running: that one is returned. */
  started: Scalars['Boolean']['output'];
};

export type TrainingJob = {
  __typename?: 'TrainingJob';
  id: Scalars['ID']['output'];
  state: TrainingJobState;
  /** api, schedule or cli. */
  trigger: Scalars['String']['output'];
  /** 0–1. */
  progress: Scalars['Float']['output'];
  stage?: Maybe<Scalars['String']['output']>;
  createdAt: Scalars['String']['output'];
  startedAt?: Maybe<Scalars['String']['output']>;
  finishedAt?: Maybe<Scalars['String']['output']>;
  /** Seconds from start to finish (or to now while running). */
  seconds?: Maybe<Scalars['Float']['output']>;
  /** Training figures and the promotion gate's validation metrics (JSON object). */
  metrics: Scalars['String']['output'];
  /** The version trained, once exported. */
  version?: Maybe<Scalars['String']['output']>;
  /** Whether the version went live; null until decided. */
  promoted?: Maybe<Scalars['Boolean']['output']>;
  /** Why it went live or stayed inactive (the promotion gate's comparison). */
  gateReason?: Maybe<Scalars['String']['output']>;
  error?: Maybe<Scalars['String']['output']>;
};

/**
 * What a business rule does to every list of its rule set (recommendations, similarItems, search,
 * recommendForSession, popular): in this order — EXCLUDE (filters the candidates, in every rule set), BOOST/BURY
 * (scores × factor), CAP (at most N items per creator or genre), PIN (items at fixed positions).
 */
export type BusinessRuleKind =
  /** Multiplies the scores of the matching items by `factor` (≥ 1). */
  | 'BOOST'
  /** Multiplies the scores of the matching items by `factor` (between 0 and 1). */
  | 'BURY'
  /** Places `pins` items at their positions (1 = first), when the list's filter and exclusions allow them. */
  | 'PIN'
  /** At most `cap.max` items per creator (or genre) in one list. */
  | 'CAP'
  /** Never returns the matching items (out of stock, licence ended); applies in every rule set. */
  | 'EXCLUDE';

export type CapField =
  | 'CREATOR'
  | 'GENRE';

/** Which items a rule is about: the listed ids and/or those passing the filter (both given: both must hold). */
export type RuleMatchInput = {
  itemIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** Genres, tags, creators and years as in any list's filter (`excludeIds` is not taken here). */
  filter?: InputMaybe<ItemFilter>;
};

export type PinInput = {
  itemId: Scalars['ID']['input'];
  /** 1-based position in the whole list (not the page). */
  position: Scalars['Int']['input'];
};

export type CapInput = {
  by: CapField;
  max: Scalars['Int']['input'];
};

export type BusinessRuleInput = {
  /** Your id for the rule (1–256 characters); writing it again replaces the rule. */
  id: Scalars['ID']['input'];
  kind: BusinessRuleKind;
  /** The set the rule belongs to (default "default"); a list applies one set (experiments choose it per variant). */
  ruleSet?: InputMaybe<Scalars['String']['input']>;
  /** BOOST, BURY, EXCLUDE: which items. */
  match?: InputMaybe<RuleMatchInput>;
  /** BOOST: ≥ 1 (at most 100); BURY: between 0 (exclusive) and 1. */
  factor?: InputMaybe<Scalars['Float']['input']>;
  /** PIN: the items and their positions (at most 20; distinct items and positions, positions 1–500). */
  pins?: InputMaybe<Array<PinInput>>;
  /** CAP: by what and how many. */
  cap?: InputMaybe<CapInput>;
  /** From when the rule applies (ISO-8601 with a zone); default: at once. */
  startsAt?: InputMaybe<Scalars['String']['input']>;
  /** Until when (exclusive); default: until deleted. */
  endsAt?: InputMaybe<Scalars['String']['input']>;
};

export type RuleMatch = {
  __typename?: 'RuleMatch';
  itemIds: Array<Scalars['ID']['output']>;
  genres: Array<Scalars['String']['output']>;
  tags: Array<Scalars['String']['output']>;
  creators: Array<Scalars['String']['output']>;
  yearFrom?: Maybe<Scalars['Int']['output']>;
  yearTo?: Maybe<Scalars['Int']['output']>;
};

export type Pin = {
  __typename?: 'Pin';
  itemId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
};

export type Cap = {
  __typename?: 'Cap';
  by: CapField;
  max: Scalars['Int']['output'];
};

export type BusinessRule = {
  __typename?: 'BusinessRule';
  id: Scalars['ID']['output'];
  kind: BusinessRuleKind;
  ruleSet: Scalars['String']['output'];
  match?: Maybe<RuleMatch>;
  factor?: Maybe<Scalars['Float']['output']>;
  pins: Array<Pin>;
  cap?: Maybe<Cap>;
  startsAt?: Maybe<Scalars['String']['output']>;
  endsAt?: Maybe<Scalars['String']['output']>;
  /** Whether it applies now (inside its start and end times). */
  active: Scalars['Boolean']['output'];
  createdAt: Scalars['String']['output'];
  updatedAt: Scalars['String']['output'];
};

export type UpsertBusinessRulesPayload = {
  __typename?: 'UpsertBusinessRulesPayload';
  created: Scalars['Int']['output'];
  updated: Scalars['Int']['output'];
  rules: Array<BusinessRule>;
};

export type DeleteBusinessRulesPayload = {
  __typename?: 'DeleteBusinessRulesPayload';
  deleted: Scalars['Int']['output'];
  /** Ids that did not exist (or were already deleted). */
  notFound: Array<Scalars['ID']['output']>;
};

/** Where a model version is in its life: exported versions can be made live; pruned ones lost their collections. */
export type ModelVersionStatus =
  | 'EXPORTING'
  | 'EXPORTED'
  | 'ACTIVE'
  | 'RETIRED'
  | 'FAILED'
  | 'PRUNED';

export type ModelVersion = {
  __typename?: 'ModelVersion';
  version: Scalars['ID']['output'];
  kind: Scalars['String']['output'];
  status: ModelVersionStatus;
  /** True for the version serving now. */
  live: Scalars['Boolean']['output'];
  trainedAt: Scalars['String']['output'];
  activatedAt?: Maybe<Scalars['String']['output']>;
  /** Events created after this instant are folded in at request time. */
  dataCutoff?: Maybe<Scalars['String']['output']>;
  dimension: Scalars['Int']['output'];
  /** The parameters training chose or was given (JSON object). */
  params: Scalars['String']['output'];
  /** Evaluation and training figures recorded with the model (JSON object). */
  metrics: Scalars['String']['output'];
  /**
   * The evaluation report kept with the version (`<data dir>/models/<version>/evaluation.json`, as written by
   * `recgraph evaluate --json`), or null when there is none.
   */
  evaluationReport?: Maybe<Scalars['String']['output']>;
};

export type ModelSwitchPayload = {
  __typename?: 'ModelSwitchPayload';
  /** The version live before the switch. */
  from?: Maybe<Scalars['String']['output']>;
  /** The version live now. */
  to: Scalars['String']['output'];
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Item: ResolverTypeWrapper<ItemRow>;
  Work: ResolverTypeWrapper<WorkRef>;
  User: ResolverTypeWrapper<UserRow>;
  HistoryConnection: ResolverTypeWrapper<Omit<HistoryConnection, 'events'> & { events: Array<ResolversTypes['HistoryEvent']> }>;
  HistoryEvent: ResolverTypeWrapper<Omit<HistoryEvent, 'item'> & { item: ResolversTypes['Item'] }>;
  ItemFilter: ItemFilter;
  SimilarityMode: SimilarityMode;
  SearchMode: SearchMode;
  TrendingWindow: TrendingWindow;
  PopularWindow: PopularWindow;
  RecommendationSource: RecommendationSource;
  Strategy: Strategy;
  ScoredItem: ResolverTypeWrapper<Omit<ScoredItem, 'item' | 'explanation'> & { item: ResolversTypes['Item'], explanation?: Maybe<ResolversTypes['Explanation']> }>;
  Explanation: ResolverTypeWrapper<Omit<Explanation, 'becauseOf'> & { becauseOf: Array<ResolversTypes['Item']> }>;
  RecommendationList: ResolverTypeWrapper<Omit<RecommendationList, 'items'> & { items: Array<ResolversTypes['ScoredItem']> }>;
  ScoredUser: ResolverTypeWrapper<Omit<ScoredUser, 'user'> & { user: ResolversTypes['User'] }>;
  SimilarUserList: ResolverTypeWrapper<Omit<SimilarUserList, 'users'> & { users: Array<ResolversTypes['ScoredUser']> }>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  ModelInfo: ResolverTypeWrapper<ModelInfo>;
  InteractionInput: InteractionInput;
  RecordInteractionsPayload: ResolverTypeWrapper<RecordInteractionsPayload>;
  RejectedInput: ResolverTypeWrapper<RejectedInput>;
  ItemInput: ItemInput;
  UpsertItemsPayload: ResolverTypeWrapper<Omit<UpsertItemsPayload, 'items'> & { items: Array<ResolversTypes['Item']> }>;
  DeleteItemsPayload: ResolverTypeWrapper<DeleteItemsPayload>;
  ExperimentStatus: ExperimentStatus;
  ExperimentAssignment: ResolverTypeWrapper<ExperimentAssignment>;
  Experiment: ResolverTypeWrapper<Experiment>;
  ExperimentVariant: ResolverTypeWrapper<ExperimentVariant>;
  ExperimentInput: ExperimentInput;
  ExperimentVariantInput: ExperimentVariantInput;
  ExperimentReport: ResolverTypeWrapper<ExperimentReport>;
  VariantReport: ResolverTypeWrapper<VariantReport>;
  KindConversion: ResolverTypeWrapper<KindConversion>;
  Proportion: ResolverTypeWrapper<Proportion>;
  TrainingJobState: TrainingJobState;
  TrainedModel: TrainedModel;
  TrainModelInput: TrainModelInput;
  ModelParamInput: ModelParamInput;
  TrainModelPayload: ResolverTypeWrapper<TrainModelPayload>;
  TrainingJob: ResolverTypeWrapper<TrainingJob>;
  BusinessRuleKind: BusinessRuleKind;
  CapField: CapField;
  RuleMatchInput: RuleMatchInput;
  PinInput: PinInput;
  CapInput: CapInput;
  BusinessRuleInput: BusinessRuleInput;
  RuleMatch: ResolverTypeWrapper<RuleMatch>;
  Pin: ResolverTypeWrapper<Pin>;
  Cap: ResolverTypeWrapper<Cap>;
  BusinessRule: ResolverTypeWrapper<BusinessRule>;
  UpsertBusinessRulesPayload: ResolverTypeWrapper<UpsertBusinessRulesPayload>;
  DeleteBusinessRulesPayload: ResolverTypeWrapper<DeleteBusinessRulesPayload>;
  ModelVersionStatus: ModelVersionStatus;
  ModelVersion: ResolverTypeWrapper<ModelVersion>;
  ModelSwitchPayload: ResolverTypeWrapper<ModelSwitchPayload>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Query: Record<PropertyKey, never>;
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  String: Scalars['String']['output'];
  Float: Scalars['Float']['output'];
  Boolean: Scalars['Boolean']['output'];
  Mutation: Record<PropertyKey, never>;
  Item: ItemRow;
  Work: WorkRef;
  User: UserRow;
  HistoryConnection: Omit<HistoryConnection, 'events'> & { events: Array<ResolversParentTypes['HistoryEvent']> };
  HistoryEvent: Omit<HistoryEvent, 'item'> & { item: ResolversParentTypes['Item'] };
  ItemFilter: ItemFilter;
  ScoredItem: Omit<ScoredItem, 'item' | 'explanation'> & { item: ResolversParentTypes['Item'], explanation?: Maybe<ResolversParentTypes['Explanation']> };
  Explanation: Omit<Explanation, 'becauseOf'> & { becauseOf: Array<ResolversParentTypes['Item']> };
  RecommendationList: Omit<RecommendationList, 'items'> & { items: Array<ResolversParentTypes['ScoredItem']> };
  ScoredUser: Omit<ScoredUser, 'user'> & { user: ResolversParentTypes['User'] };
  SimilarUserList: Omit<SimilarUserList, 'users'> & { users: Array<ResolversParentTypes['ScoredUser']> };
  PageInfo: PageInfo;
  ModelInfo: ModelInfo;
  InteractionInput: InteractionInput;
  RecordInteractionsPayload: RecordInteractionsPayload;
  RejectedInput: RejectedInput;
  ItemInput: ItemInput;
  UpsertItemsPayload: Omit<UpsertItemsPayload, 'items'> & { items: Array<ResolversParentTypes['Item']> };
  DeleteItemsPayload: DeleteItemsPayload;
  ExperimentAssignment: ExperimentAssignment;
  Experiment: Experiment;
  ExperimentVariant: ExperimentVariant;
  ExperimentInput: ExperimentInput;
  ExperimentVariantInput: ExperimentVariantInput;
  ExperimentReport: ExperimentReport;
  VariantReport: VariantReport;
  KindConversion: KindConversion;
  Proportion: Proportion;
  TrainModelInput: TrainModelInput;
  ModelParamInput: ModelParamInput;
  TrainModelPayload: TrainModelPayload;
  TrainingJob: TrainingJob;
  RuleMatchInput: RuleMatchInput;
  PinInput: PinInput;
  CapInput: CapInput;
  BusinessRuleInput: BusinessRuleInput;
  RuleMatch: RuleMatch;
  Pin: Pin;
  Cap: Cap;
  BusinessRule: BusinessRule;
  UpsertBusinessRulesPayload: UpsertBusinessRulesPayload;
  DeleteBusinessRulesPayload: DeleteBusinessRulesPayload;
  ModelVersion: ModelVersion;
  ModelSwitchPayload: ModelSwitchPayload;
};

export type QueryResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  recommendations?: Resolver<ResolversTypes['RecommendationList'], ParentType, ContextType, RequireFields<QueryRecommendationsArgs, 'userId' | 'first' | 'diversity' | 'explain'>>;
  similarItems?: Resolver<ResolversTypes['RecommendationList'], ParentType, ContextType, RequireFields<QuerySimilarItemsArgs, 'itemId' | 'mode' | 'first'>>;
  search?: Resolver<ResolversTypes['RecommendationList'], ParentType, ContextType, RequireFields<QuerySearchArgs, 'query' | 'mode' | 'first'>>;
  recommendForSession?: Resolver<ResolversTypes['RecommendationList'], ParentType, ContextType, RequireFields<QueryRecommendForSessionArgs, 'itemIds' | 'first'>>;
  popular?: Resolver<ResolversTypes['RecommendationList'], ParentType, ContextType, RequireFields<QueryPopularArgs, 'first' | 'window'>>;
  latest?: Resolver<ResolversTypes['RecommendationList'], ParentType, ContextType, RequireFields<QueryLatestArgs, 'first'>>;
  trending?: Resolver<ResolversTypes['RecommendationList'], ParentType, ContextType, RequireFields<QueryTrendingArgs, 'first' | 'window'>>;
  similarUsers?: Resolver<ResolversTypes['SimilarUserList'], ParentType, ContextType, RequireFields<QuerySimilarUsersArgs, 'userId' | 'first'>>;
  item?: Resolver<Maybe<ResolversTypes['Item']>, ParentType, ContextType, RequireFields<QueryItemArgs, 'id'>>;
  items?: Resolver<Array<Maybe<ResolversTypes['Item']>>, ParentType, ContextType, RequireFields<QueryItemsArgs, 'ids'>>;
  user?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType, RequireFields<QueryUserArgs, 'id'>>;
  modelInfo?: Resolver<Maybe<ResolversTypes['ModelInfo']>, ParentType, ContextType>;
  experiments?: Resolver<Array<ResolversTypes['Experiment']>, ParentType, ContextType>;
  experimentReport?: Resolver<ResolversTypes['ExperimentReport'], ParentType, ContextType, RequireFields<QueryExperimentReportArgs, 'name' | 'k' | 'clickKind'>>;
  trainingJobs?: Resolver<Array<ResolversTypes['TrainingJob']>, ParentType, ContextType, RequireFields<QueryTrainingJobsArgs, 'first'>>;
  trainingJob?: Resolver<Maybe<ResolversTypes['TrainingJob']>, ParentType, ContextType, RequireFields<QueryTrainingJobArgs, 'id'>>;
  businessRules?: Resolver<Array<ResolversTypes['BusinessRule']>, ParentType, ContextType, Partial<QueryBusinessRulesArgs>>;
  modelVersions?: Resolver<Array<ResolversTypes['ModelVersion']>, ParentType, ContextType>;
};

export type MutationResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  recordInteractions?: Resolver<ResolversTypes['RecordInteractionsPayload'], ParentType, ContextType, RequireFields<MutationRecordInteractionsArgs, 'input'>>;
  upsertItems?: Resolver<ResolversTypes['UpsertItemsPayload'], ParentType, ContextType, RequireFields<MutationUpsertItemsArgs, 'input'>>;
  deleteItems?: Resolver<ResolversTypes['DeleteItemsPayload'], ParentType, ContextType, RequireFields<MutationDeleteItemsArgs, 'ids'>>;
  createExperiment?: Resolver<ResolversTypes['Experiment'], ParentType, ContextType, RequireFields<MutationCreateExperimentArgs, 'input'>>;
  startExperiment?: Resolver<ResolversTypes['Experiment'], ParentType, ContextType, RequireFields<MutationStartExperimentArgs, 'name'>>;
  stopExperiment?: Resolver<ResolversTypes['Experiment'], ParentType, ContextType, RequireFields<MutationStopExperimentArgs, 'name'>>;
  endExperiment?: Resolver<ResolversTypes['Experiment'], ParentType, ContextType, RequireFields<MutationEndExperimentArgs, 'name'>>;
  trainModel?: Resolver<ResolversTypes['TrainModelPayload'], ParentType, ContextType, Partial<MutationTrainModelArgs>>;
  upsertBusinessRules?: Resolver<ResolversTypes['UpsertBusinessRulesPayload'], ParentType, ContextType, RequireFields<MutationUpsertBusinessRulesArgs, 'input'>>;
  deleteBusinessRules?: Resolver<ResolversTypes['DeleteBusinessRulesPayload'], ParentType, ContextType, RequireFields<MutationDeleteBusinessRulesArgs, 'ids'>>;
  activateModelVersion?: Resolver<ResolversTypes['ModelSwitchPayload'], ParentType, ContextType, RequireFields<MutationActivateModelVersionArgs, 'version'>>;
  rollbackModelVersion?: Resolver<ResolversTypes['ModelSwitchPayload'], ParentType, ContextType>;
};

export type ItemResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Item'] = ResolversParentTypes['Item']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  creators?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  genres?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  tags?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  year?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  publisher?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  imageUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  language?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  work?: Resolver<ResolversTypes['Work'], ParentType, ContextType>;
  otherEditions?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
};

export type WorkResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Work'] = ResolversParentTypes['Work']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  editions?: Resolver<Array<ResolversTypes['Item']>, ParentType, ContextType, RequireFields<WorkEditionsArgs, 'first'>>;
  editionCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type UserResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  history?: Resolver<ResolversTypes['HistoryConnection'], ParentType, ContextType, RequireFields<UserHistoryArgs, 'first'>>;
};

export type HistoryConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['HistoryConnection'] = ResolversParentTypes['HistoryConnection']> = {
  events?: Resolver<Array<ResolversTypes['HistoryEvent']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type HistoryEventResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['HistoryEvent'] = ResolversParentTypes['HistoryEvent']> = {
  item?: Resolver<ResolversTypes['Item'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  occurredAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ScoredItemResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ScoredItem'] = ResolversParentTypes['ScoredItem']> = {
  item?: Resolver<ResolversTypes['Item'], ParentType, ContextType>;
  score?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  source?: Resolver<ResolversTypes['RecommendationSource'], ParentType, ContextType>;
  explanation?: Resolver<Maybe<ResolversTypes['Explanation']>, ParentType, ContextType>;
  appliedRules?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
};

export type ExplanationResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Explanation'] = ResolversParentTypes['Explanation']> = {
  text?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  becauseOf?: Resolver<Array<ResolversTypes['Item']>, ParentType, ContextType>;
};

export type RecommendationListResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RecommendationList'] = ResolversParentTypes['RecommendationList']> = {
  items?: Resolver<Array<ResolversTypes['ScoredItem']>, ParentType, ContextType>;
  strategy?: Resolver<ResolversTypes['Strategy'], ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  modelVersion?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  recommendationId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  experiment?: Resolver<Maybe<ResolversTypes['ExperimentAssignment']>, ParentType, ContextType>;
};

export type ScoredUserResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ScoredUser'] = ResolversParentTypes['ScoredUser']> = {
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  score?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type SimilarUserListResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['SimilarUserList'] = ResolversParentTypes['SimilarUserList']> = {
  users?: Resolver<Array<ResolversTypes['ScoredUser']>, ParentType, ContextType>;
  strategy?: Resolver<ResolversTypes['Strategy'], ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  modelVersion?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type ModelInfoResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ModelInfo'] = ResolversParentTypes['ModelInfo']> = {
  version?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  trainedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  activatedAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  dataCutoff?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  dimension?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  metrics?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type RecordInteractionsPayloadResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RecordInteractionsPayload'] = ResolversParentTypes['RecordInteractionsPayload']> = {
  recorded?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  rejected?: Resolver<Array<ResolversTypes['RejectedInput']>, ParentType, ContextType>;
  duplicates?: Resolver<Array<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type RejectedInputResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RejectedInput'] = ResolversParentTypes['RejectedInput']> = {
  index?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type UpsertItemsPayloadResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['UpsertItemsPayload'] = ResolversParentTypes['UpsertItemsPayload']> = {
  created?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  updated?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  items?: Resolver<Array<ResolversTypes['Item']>, ParentType, ContextType>;
};

export type DeleteItemsPayloadResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['DeleteItemsPayload'] = ResolversParentTypes['DeleteItemsPayload']> = {
  deleted?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  notFound?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  rejected?: Resolver<Array<ResolversTypes['RejectedInput']>, ParentType, ContextType>;
};

export type ExperimentAssignmentResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ExperimentAssignment'] = ResolversParentTypes['ExperimentAssignment']> = {
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  variant?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ExperimentResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Experiment'] = ResolversParentTypes['Experiment']> = {
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ExperimentStatus'], ParentType, ContextType>;
  salt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  variants?: Resolver<Array<ResolversTypes['ExperimentVariant']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  startedAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  stoppedAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  endedAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type ExperimentVariantResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ExperimentVariant'] = ResolversParentTypes['ExperimentVariant']> = {
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  share?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  modelVersion?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  ruleSet?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  diversity?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  candidateCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type ExperimentReportResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ExperimentReport'] = ResolversParentTypes['ExperimentReport']> = {
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ExperimentStatus'], ParentType, ContextType>;
  k?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  clickKind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  interval?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  variants?: Resolver<Array<ResolversTypes['VariantReport']>, ParentType, ContextType>;
};

export type VariantReportResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['VariantReport'] = ResolversParentTypes['VariantReport']> = {
  variant?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  impressions?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  users?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  ctrAtK?: Resolver<ResolversTypes['Proportion'], ParentType, ContextType>;
  conversions?: Resolver<Array<ResolversTypes['KindConversion']>, ParentType, ContextType>;
  catalogueCoverage?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type KindConversionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['KindConversion'] = ResolversParentTypes['KindConversion']> = {
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  lists?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  rate?: Resolver<ResolversTypes['Proportion'], ParentType, ContextType>;
};

export type ProportionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Proportion'] = ResolversParentTypes['Proportion']> = {
  successes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  trials?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  rate?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  low?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  high?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type TrainModelPayloadResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['TrainModelPayload'] = ResolversParentTypes['TrainModelPayload']> = {
  job?: Resolver<ResolversTypes['TrainingJob'], ParentType, ContextType>;
  started?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type TrainingJobResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['TrainingJob'] = ResolversParentTypes['TrainingJob']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['TrainingJobState'], ParentType, ContextType>;
  trigger?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  progress?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  stage?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  startedAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  finishedAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  seconds?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  metrics?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  version?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  promoted?: Resolver<Maybe<ResolversTypes['Boolean']>, ParentType, ContextType>;
  gateReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type RuleMatchResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RuleMatch'] = ResolversParentTypes['RuleMatch']> = {
  itemIds?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  genres?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  tags?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  creators?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  yearFrom?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  yearTo?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type PinResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Pin'] = ResolversParentTypes['Pin']> = {
  itemId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  position?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type CapResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Cap'] = ResolversParentTypes['Cap']> = {
  by?: Resolver<ResolversTypes['CapField'], ParentType, ContextType>;
  max?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type BusinessRuleResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['BusinessRule'] = ResolversParentTypes['BusinessRule']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['BusinessRuleKind'], ParentType, ContextType>;
  ruleSet?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  match?: Resolver<Maybe<ResolversTypes['RuleMatch']>, ParentType, ContextType>;
  factor?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  pins?: Resolver<Array<ResolversTypes['Pin']>, ParentType, ContextType>;
  cap?: Resolver<Maybe<ResolversTypes['Cap']>, ParentType, ContextType>;
  startsAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  endsAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  active?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type UpsertBusinessRulesPayloadResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['UpsertBusinessRulesPayload'] = ResolversParentTypes['UpsertBusinessRulesPayload']> = {
  created?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  updated?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  rules?: Resolver<Array<ResolversTypes['BusinessRule']>, ParentType, ContextType>;
};

export type DeleteBusinessRulesPayloadResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['DeleteBusinessRulesPayload'] = ResolversParentTypes['DeleteBusinessRulesPayload']> = {
  deleted?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  notFound?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
};

export type ModelVersionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ModelVersion'] = ResolversParentTypes['ModelVersion']> = {
  version?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ModelVersionStatus'], ParentType, ContextType>;
  live?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  trainedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  activatedAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  dataCutoff?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  dimension?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  params?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  metrics?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  evaluationReport?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type ModelSwitchPayloadResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ModelSwitchPayload'] = ResolversParentTypes['ModelSwitchPayload']> = {
  from?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  to?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type Resolvers<ContextType = RequestContext> = {
  Query?: QueryResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Item?: ItemResolvers<ContextType>;
  Work?: WorkResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
  HistoryConnection?: HistoryConnectionResolvers<ContextType>;
  HistoryEvent?: HistoryEventResolvers<ContextType>;
  ScoredItem?: ScoredItemResolvers<ContextType>;
  Explanation?: ExplanationResolvers<ContextType>;
  RecommendationList?: RecommendationListResolvers<ContextType>;
  ScoredUser?: ScoredUserResolvers<ContextType>;
  SimilarUserList?: SimilarUserListResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  ModelInfo?: ModelInfoResolvers<ContextType>;
  RecordInteractionsPayload?: RecordInteractionsPayloadResolvers<ContextType>;
  RejectedInput?: RejectedInputResolvers<ContextType>;
  UpsertItemsPayload?: UpsertItemsPayloadResolvers<ContextType>;
  DeleteItemsPayload?: DeleteItemsPayloadResolvers<ContextType>;
  ExperimentAssignment?: ExperimentAssignmentResolvers<ContextType>;
  Experiment?: ExperimentResolvers<ContextType>;
  ExperimentVariant?: ExperimentVariantResolvers<ContextType>;
  ExperimentReport?: ExperimentReportResolvers<ContextType>;
  VariantReport?: VariantReportResolvers<ContextType>;
  KindConversion?: KindConversionResolvers<ContextType>;
  Proportion?: ProportionResolvers<ContextType>;
  TrainModelPayload?: TrainModelPayloadResolvers<ContextType>;
  TrainingJob?: TrainingJobResolvers<ContextType>;
  RuleMatch?: RuleMatchResolvers<ContextType>;
  Pin?: PinResolvers<ContextType>;
  Cap?: CapResolvers<ContextType>;
  BusinessRule?: BusinessRuleResolvers<ContextType>;
  UpsertBusinessRulesPayload?: UpsertBusinessRulesPayloadResolvers<ContextType>;
  DeleteBusinessRulesPayload?: DeleteBusinessRulesPayloadResolvers<ContextType>;
  ModelVersion?: ModelVersionResolvers<ContextType>;
  ModelSwitchPayload?: ModelSwitchPayloadResolvers<ContextType>;
};

