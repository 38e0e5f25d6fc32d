/** The prerendered document pages: one per entry of the policies and law collections. */
import { getCollection, render, type CollectionEntry } from 'astro:content';

type RenderResult = Awaited<ReturnType<typeof render>>;

export type DocumentCollection = 'law' | 'policies';

export interface DocumentPath<C extends DocumentCollection> {
  params: { slug: string };
  props: { entry: CollectionEntry<C> };
}

/** A page per document, at its file's name (`/law/<slug>/`, `/policies/<slug>/`), given the entry as its prop. */
export async function documentPaths<C extends DocumentCollection>(collection: C): Promise<Array<DocumentPath<C>>> {
  const entries = (await getCollection(collection)) as Array<CollectionEntry<C>>;
  return entries.map((entry) => ({ params: { slug: entry.id }, props: { entry } }));
}

/** A document page's entry, rendered: its front matter and its body. */
export async function renderDocument<C extends DocumentCollection>(props: DocumentPath<C>['props']): Promise<{ data: CollectionEntry<C>['data']; Content: RenderResult['Content'] }> {
  const { Content } = await render(props.entry);
  return { data: props.entry.data, Content };
}
