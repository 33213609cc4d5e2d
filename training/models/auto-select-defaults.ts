// The model selection's defaults, apart from the models so the CLI can show them without loading tfjs.
export const AUTO_SELECT_DEFAULTS = {
  /**
   * Seconds for the whole selection (both candidates' validation fits and scoring), enforced; the graph filter's
   * search gets at most half. The final refit on all the data comes on top (reported apart).
   */
  tuneBudget: 300,
  /**
   * Seconds the final fit may be estimated to take (one core): a graph filter whose estimate is larger fits with
   * fewer SVD dimensions (graph-filter-bounds.ts; reported in the selection). A million items × 20M events at
   * k 256 is estimated at ≈ 700 s, and runs far longer on a shared machine.
   */
  fitBudget: 600,
  /** Share of each user's items held out for validation. */
  fraction: 0.2,
  /** Validation users scored (seeded sample). */
  validUsers: 3000,
  seed: 11,
  /** With no budget: catalogues denser than this get the blend, sparser ones the filter. */
  priorDensity: 0.01,
};
