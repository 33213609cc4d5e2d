// The GraphQL requests bench:serve sends, one scenario per measured operation. Request i of a scenario asks for a
// different user / item / query than request i - 1, spread over the whole catalog (multiplicative strides).
export interface Scenario {
  name: string;
  /** The JSON body of request number i. */
  body: (i: number) => string;
  /** Offered loads of the open-loop sweep (requests per second). */
  rates: readonly number[];
}

export interface CatalogSize {
  users: number;
  items: number;
  /**
   * External ids of the catalogue: 'demo' (default) the demo dataset's reader-00001 / book-00001, 'plain' the
   * MovieLens-style 1, 2, … of bench:scale's generated files.
   */
  ids?: 'demo' | 'plain';
}

function gql(query: string, variables: Record<string, unknown>): string {
  return JSON.stringify({ query, variables });
}

const ITEM_FIELDS = 'id title creators genres year';
const DEFAULT_RATES = [250, 500, 750, 1000, 1500];
const WORDS = [
  'dragon',
  'murder detective',
  'star colony',
  'kitchen recipes',
  'empire war',
  'ghost',
  'journey island',
  'truth virtue',
];

export function scenarios({ users, items, ids = 'demo' }: CatalogSize): Scenario[] {
  const plain = ids === 'plain';
  const userId = (i: number) =>
    plain ? String(1 + ((i * 7919) % users)) : `reader-${String(1 + ((i * 7919) % users)).padStart(5, '0')}`;
  const itemId = (i: number) =>
    plain ? String(1 + ((i * 104729) % items)) : `book-${String(1 + ((i * 104729) % items)).padStart(5, '0')}`;
  const recommendations =
    (extra: string, fields = '') =>
    (i: number) =>
      gql(
        `query($u: ID!) { recommendations(userId: $u, first: 20${extra}) { strategy items { score source item { ${ITEM_FIELDS} }${fields} } } }`,
        {
          u: userId(i),
        },
      );
  return [
    { name: 'recommendations(first: 20)', body: recommendations(''), rates: DEFAULT_RATES },
    {
      name: 'similarItems(first: 20)',
      body: (i) =>
        gql(
          `query($i: ID!) { similarItems(itemId: $i, mode: COLLABORATIVE, first: 20) { items { score item { ${ITEM_FIELDS} } } } }`,
          {
            i: itemId(i),
          },
        ),
      rates: DEFAULT_RATES,
    },
    {
      name: 'search(HYBRID, first: 20)',
      body: (i) =>
        gql(`query($q: String!) { search(query: $q, first: 20) { items { score source item { ${ITEM_FIELDS} } } } }`, {
          q: WORDS[i % WORDS.length],
        }),
      rates: [250, 500, 750, 1000],
    },
    {
      name: 'popular(first: 20)',
      body: () => gql(`{ popular(first: 20) { items { score item { ${ITEM_FIELDS} } } } }`, {}),
      rates: [500, 1000, 1500, 2000, 3000],
    },
    // Reported apart (the goals are for explain off, diversity 0): what the heavier variants cost.
    {
      name: 'recommendations(first: 20, explain: true)',
      body: recommendations(', explain: true', ' explanation { text becauseOf { id title } }'),
      rates: [250, 500, 1000],
    },
    {
      name: 'recommendations(first: 20, diversity: 0.3)',
      body: recommendations(', diversity: 0.3'),
      rates: [250, 500, 1000],
    },
  ];
}
