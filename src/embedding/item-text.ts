// What the text encoder reads of an item: every field a person would search by. Training (catalog vectors) and
// serving (items upserted through the API) must build the same text, so both call this.
export interface ItemTextFields {
  title: string;
  creators: readonly string[];
  genres: readonly string[];
  tags: readonly string[];
  description: string | null;
}

export function itemText(item: ItemTextFields): string {
  return [
    item.title,
    item.creators.join(', '),
    item.genres.join(', '),
    item.tags.join(', '),
    item.description ?? '',
  ].join('. ');
}
