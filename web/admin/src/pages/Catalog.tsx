// The catalogue editor: the category tree (add, rename per language, move, reorder, hide),
// products with their texts in every language, price, stock and photo, their variants, and
// the whole catalogue as CSV out and in (checked first, imported all or nothing).

import { useCallback, useMemo, useState, type ChangeEvent } from 'react';
import { api, query, upload, useResource } from '../api.ts';
import { ConfirmDialog, DataTable, FilterBar, ListCard, SearchField, TextsField, cleanTexts, pathId, usePageParam, useAction, BackLink, type Texts } from '../components/data.tsx';
import { Icon } from '../components/icons.tsx';
import { Async, Badge, Button, Card, Empty, Field, PageHeader, toast } from '../components/ui.tsx';
import { inputToMinor, minorToInput, money, number } from '../format.ts';
import { useI18n, useT } from '../i18n.ts';
import { navigate, setQuery, useRoute } from '../router.tsx';
import { useSession } from '../session.tsx';
import { FeedDialog } from './CatalogFeed.tsx';

interface Category {
  id: number;
  parentId: number | null;
  title: string;
  titles: Texts;
  position: number;
  hidden: boolean;
  productCount: number;
}
interface Variant {
  id: number;
  title: string;
  titles: Texts;
  priceMinor: number;
  stock: number;
}
interface Product {
  id: number;
  categoryId: number | null;
  title: string;
  titles: Texts;
  description: string;
  descriptions: Texts;
  priceMinor: number;
  stock: number;
  fromPriceMinor: number;
  priceVaries: boolean;
  totalStock: number;
  currency: string;
  hidden: boolean;
  digital: boolean;
  externalId: string | null;
  photoId: number | null;
  variants: Variant[];
  updatedAt: number;
}
interface ImportIssue {
  row: number;
  column?: string;
  value?: string;
  code: string;
  message: string;
}

/** The catalogue page: a product's editor when the path names one, else the list. */
export function CatalogPage(props: { path: string[] }) {
  const id = pathId(props.path);
  return id ? <ProductEditor id={id} /> : <CatalogList />;
}

/** Categories as a tree, in display order. */
interface Node {
  category: Category;
  children: Node[];
  depth: number;
}

function buildTree(categories: readonly Category[]): Node[] {
  const sorted = [...categories].sort((a, b) => a.position - b.position || a.id - b.id);
  const nodes = new Map(sorted.map((category) => [category.id, { category, children: [] as Node[], depth: 0 }]));
  const roots: Node[] = [];
  for (const node of nodes.values()) {
    const parent = node.category.parentId === null ? undefined : nodes.get(node.category.parentId);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const setDepth = (list: Node[], depth: number) => list.forEach((node) => ((node.depth = depth), setDepth(node.children, depth + 1)));
  setDepth(roots, 0);
  return roots;
}

/** The tree flattened in display order, for selects. */
function flatten(nodes: readonly Node[]): Node[] {
  return nodes.flatMap((node) => [node, ...flatten(node.children)]);
}

function useCategories() {
  const { locale } = useI18n();
  const resource = useResource<{ categories: Category[] }>(`/api/catalog/categories${query({ locale })}`);
  const tree = useMemo(() => buildTree(resource.data?.categories ?? []), [resource.data]);
  return { resource, tree, flat: useMemo(() => flatten(tree), [tree]) };
}

function CatalogList() {
  const t = useT();
  const { locale } = useI18n();
  const { search } = useRoute();
  const q = search.get('q') ?? '';
  const categoryId = search.get('category') ?? '';
  const visibility = search.get('visibility') ?? '';
  const inStock = search.get('inStock') === 'true';
  const page = usePageParam();
  const { resource: categories, tree, flat } = useCategories();
  const products = useResource<{ products: Product[]; page: number; pages: number; total: number }>(
    `/api/catalog/products${query({ q: q.length >= 2 ? q : undefined, categoryId: categoryId || undefined, visibility: visibility || undefined, inStock: inStock ? 'true' : undefined, page, pageSize: 20, locale })}`,
  );
  const [dialog, setDialog] = useState<'product' | 'import' | 'feed' | { category: Category | null } | null>(null);
  const filtered = Boolean(q || categoryId || visibility || inStock);
  const { reload: reloadProducts } = products;
  const { reload: reloadCategories } = categories;
  // A feed import that finished while the dialog was open changed the list behind it.
  const reloadAll = useCallback(() => {
    reloadProducts();
    reloadCategories();
  }, [reloadProducts, reloadCategories]);
  const categoryTitle = (id: number | null) => (id === null ? '—' : (flat.find((node) => node.category.id === id)?.category.title ?? '—'));

  return (
    <>
      <PageHeader
        title={t('catalog.title')}
        subtitle={products.data ? t('catalog.count', { n: products.data.total }) : undefined}
        actions={
          <>
            <a className="btn btn-secondary btn-md" href="/api/catalog/export.csv" download>
              <Icon name="download" /> {t('catalog.exportCsv')}
            </a>
            <Button onClick={() => setDialog('import')}>
              <Icon name="upload" /> {t('catalog.importCsv')}
            </Button>
            <Button onClick={() => setDialog('feed')}>
              <Icon name="plug" /> {t('catalog.feed')}
            </Button>
            <Button variant="primary" onClick={() => setDialog('product')}>
              <Icon name="plus" /> {t('catalog.newProduct')}
            </Button>
          </>
        }
      />
      <div className="grid-side-main">
        <Card
          title={t('catalog.categories')}
          className="category-card"
          actions={
            <Button size="sm" variant="ghost" onClick={() => setDialog({ category: null })} aria-label={t('catalog.newCategory')} title={t('catalog.newCategory')}>
              <Icon name="plus" />
            </Button>
          }
        >
          <Async resource={categories} rows={6}>
            {() => (
              <ul className="tree" role="tree" aria-label={t('catalog.categories')}>
                <li role="treeitem" aria-selected={!categoryId}>
                  <button className={`tree-item ${!categoryId ? 'active' : ''}`} onClick={() => setQuery({ category: undefined, page: undefined })}>
                    {t('catalog.allProducts')}
                  </button>
                </li>
                {tree.map((node, index) => (
                  <TreeNode key={node.category.id} node={node} siblings={tree} index={index} selected={categoryId} onEdit={(category) => setDialog({ category })} onMoved={categories.reload} />
                ))}
                {tree.length === 0 ? <li className="muted small tree-empty">{t('catalog.noCategories')}</li> : null}
              </ul>
            )}
          </Async>
        </Card>
        <div className="stack">
          <FilterBar filtered={filtered} onReset={() => navigate('/catalog', { replace: true })}>
            <SearchField value={q} placeholder={t('catalog.searchHint')} onChange={(value) => setQuery({ q: value, page: undefined })} />
            <Field label={t('catalog.visibility')}>
              <select value={visibility} onChange={(event) => setQuery({ visibility: event.target.value, page: undefined })}>
                <option value="">{t('catalog.visibilityAll')}</option>
                <option value="visible">{t('catalog.visibilityVisible')}</option>
                <option value="hidden">{t('catalog.visibilityHidden')}</option>
              </select>
            </Field>
            <label className="checkbox">
              <input type="checkbox" checked={inStock} onChange={(event) => setQuery({ inStock: event.target.checked ? 'true' : undefined, page: undefined })} />
              {t('catalog.inStockOnly')}
            </label>
          </FilterBar>
          <ListCard resource={products} filtered={filtered} isEmpty={(data) => data.products.length === 0} emptyTitle={t('catalog.empty')} emptyHint={t('catalog.emptyHint')} paged={(data) => data}>
            {(data) => (
              <DataTable
                stack
                className="catalog-table"
                rows={data.products}
                rowKey={(product) => product.id}
                onRowClick={(product) => navigate(`/catalog/${product.id}`)}
                rowClassName={(product) => (product.hidden ? 'row-muted' : undefined)}
                columns={[
                  {
                    key: 'title',
                    header: t('catalog.product'),
                    className: 'cell-title',
                    cell: (product) => (
                      <span className="product-cell">
                        {product.photoId ? <img className="thumb" src={`/api/catalog/photos/${product.photoId}`} alt="" loading="lazy" /> : <span className="thumb thumb-empty" aria-hidden="true" />}
                        <span className="product-name">
                          <a href={`/admin/catalog/${product.id}`} onClick={(event) => event.preventDefault()}>
                            {product.title}
                          </a>
                          {product.hidden ? (
                            <>
                              {' '}
                              <Badge>{t('catalog.hidden')}</Badge>
                            </>
                          ) : null}
                        </span>
                      </span>
                    ),
                  },
                  { key: 'category', header: t('catalog.category'), className: 'hide-sm hide-narrower muted', cell: (product) => categoryTitle(product.categoryId) },
                  { key: 'variants', header: t('catalog.variants'), className: 'hide-sm hide-narrow muted', cell: (product) => product.variants.length || '—' },
                  {
                    key: 'stock',
                    header: t('catalog.stock'),
                    className: 'num cell-sub',
                    cell: (product) => (product.totalStock > 0 ? `${number(product.totalStock, locale)} ${t('catalog.pcs')}` : <Badge tone="danger">{t('catalog.outOfStock')}</Badge>),
                  },
                  {
                    key: 'price',
                    header: t('catalog.price'),
                    className: 'num cell-amount',
                    cell: (product) => (product.priceVaries ? t('catalog.fromPrice', { price: money(product.fromPriceMinor, product.currency, locale) }) : money(product.fromPriceMinor, product.currency, locale)),
                  },
                ]}
              />
            )}
          </ListCard>
        </div>
      </div>
      {dialog === 'product' ? <NewProductDialog categories={flat} initialCategory={categoryId ? Number(categoryId) : null} onClose={() => setDialog(null)} /> : null}
      {dialog === 'import' ? (
        <ImportDialog
          onClose={() => setDialog(null)}
          onImported={() => {
            setDialog(null);
            products.reload();
            categories.reload();
          }}
        />
      ) : null}
      {dialog === 'feed' ? <FeedDialog onClose={() => setDialog(null)} onImported={reloadAll} /> : null}
      {dialog !== null && typeof dialog === 'object' ? (
        <CategoryDialog
          category={dialog.category}
          categories={flat}
          onClose={() => setDialog(null)}
          onSaved={() => {
            setDialog(null);
            categories.reload();
          }}
        />
      ) : null}
    </>
  );
}

function TreeNode(props: { node: Node; siblings: readonly Node[]; index: number; selected: string; onEdit(category: Category): void; onMoved(): void }) {
  const t = useT();
  const { category, children } = props.node;
  const active = props.selected === String(category.id);
  const { busy, run } = useAction();
  const move = (delta: -1 | 1) => {
    const ids = props.siblings.map((node) => node.category.id);
    const [moved] = ids.splice(props.index, 1);
    ids.splice(props.index + delta, 0, moved as number);
    void run(() => api('PUT', '/api/catalog/categories/order', { parentId: category.parentId, ids })).then((ok) => ok && props.onMoved());
  };
  return (
    <li role="treeitem" aria-selected={active} aria-expanded={children.length > 0 ? true : undefined}>
      <div className={`tree-row ${category.hidden ? 'is-hidden' : ''}`}>
        <button className={`tree-item ${active ? 'active' : ''}`} onClick={() => setQuery({ category: category.id, page: undefined })}>
          <span className="tree-name">{category.title}</span>
          {category.hidden ? <Icon name="eyeOff" size={14} label={t('catalog.hidden')} /> : null}
          <span className="tree-count">{category.productCount || ''}</span>
        </button>
        <span className="tree-actions">
          <button className="icon-button icon-button-sm" disabled={busy || props.index === 0} onClick={() => move(-1)} aria-label={t('catalog.moveUp', { name: category.title })} title={t('catalog.moveUp', { name: category.title })}>
            ↑
          </button>
          <button className="icon-button icon-button-sm" disabled={busy || props.index === props.siblings.length - 1} onClick={() => move(1)} aria-label={t('catalog.moveDown', { name: category.title })} title={t('catalog.moveDown', { name: category.title })}>
            ↓
          </button>
          <button className="icon-button icon-button-sm" onClick={() => props.onEdit(category)} aria-label={t('catalog.editCategory', { name: category.title })} title={t('catalog.editCategory', { name: category.title })}>
            <Icon name="pencil" size={15} />
          </button>
        </span>
      </div>
      {children.length > 0 ? (
        <ul role="group">
          {children.map((child, index) => (
            <TreeNode key={child.category.id} node={child} siblings={children} index={index} selected={props.selected} onEdit={props.onEdit} onMoved={props.onMoved} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** A select of categories, indented by depth; `exclude` leaves out a subtree (a category cannot move into itself). */
function CategorySelect(props: { label: string; value: number | null; categories: readonly Node[]; onChange(value: number | null): void; noneLabel: string; exclude?: number }) {
  const excluded = new Set<number>();
  if (props.exclude !== undefined) {
    const mark = (id: number) => {
      excluded.add(id);
      props.categories.filter((node) => node.category.parentId === id).forEach((node) => mark(node.category.id));
    };
    mark(props.exclude);
  }
  return (
    <Field label={props.label}>
      <select value={props.value ?? ''} onChange={(event) => props.onChange(event.target.value ? Number(event.target.value) : null)}>
        <option value="">{props.noneLabel}</option>
        {props.categories
          .filter((node) => !excluded.has(node.category.id))
          .map((node) => (
            <option key={node.category.id} value={node.category.id}>
              {`${'\u00a0\u00a0\u00a0'.repeat(node.depth)}${node.category.title}`}
            </option>
          ))}
      </select>
    </Field>
  );
}

function CategoryDialog(props: { category: Category | null; categories: readonly Node[]; onClose(): void; onSaved(): void }) {
  const t = useT();
  const editing = props.category;
  const [titles, setTitles] = useState<Texts>(editing?.titles ?? {});
  const [parentId, setParentId] = useState<number | null>(editing?.parentId ?? null);
  const [hidden, setHidden] = useState(editing?.hidden ?? false);
  const { busy, run } = useAction();
  const { texts, any } = cleanTexts(titles);
  const save = () =>
    void run(
      () => (editing ? api('PATCH', `/api/catalog/categories/${editing.id}`, { title: texts, parentId, hidden }) : api('POST', '/api/catalog/categories', { title: texts, parentId })),
      t('common.saved'),
    ).then((ok) => ok && props.onSaved());
  return (
    <ConfirmDialog title={editing ? t('catalog.editCategoryTitle') : t('catalog.newCategory')} confirm={t('common.save')} busy={busy} disabled={!any} onConfirm={save} onClose={props.onClose}>
      <div className="form">
        <TextsField label={t('catalog.categoryName')} value={titles} onChange={setTitles} maxLength={64} hint={t('catalog.textsHint')} />
        <CategorySelect label={t('catalog.parent')} value={parentId} categories={props.categories} onChange={setParentId} noneLabel={t('catalog.topLevel')} exclude={editing?.id} />
        {editing ? (
          <label className="checkbox">
            <input type="checkbox" checked={hidden} onChange={(event) => setHidden(event.target.checked)} />
            {t('catalog.hideCategory')}
          </label>
        ) : null}
      </div>
    </ConfirmDialog>
  );
}

/** A price (as typed, in major units) and a stock, checked as the server will check them. */
function usePriceStock(currency: string, initialMinor?: number, initialStock = 0) {
  const [price, setPrice] = useState(initialMinor === undefined ? '' : minorToInput(initialMinor, currency));
  const [stock, setStock] = useState(String(initialStock));
  const minor = inputToMinor(price, currency);
  return { currency, price, setPrice, stock, setStock, minor, count: Number(stock), valid: minor !== undefined && /^\d+$/.test(stock) };
}

/** The price and stock inputs of a product or a variant, side by side. */
function PriceStockFields(props: { value: ReturnType<typeof usePriceStock>; priceHint?: string; stockHint?: string; stockDisabled?: boolean }) {
  const t = useT();
  const { value } = props;
  return (
    <div className="grid-2">
      <Field label={t('catalog.priceIn', { currency: value.currency })} hint={props.priceHint} error={value.price && value.minor === undefined ? t('catalog.badPrice') : undefined}>
        <input inputMode="decimal" value={value.price} onChange={(event) => value.setPrice(event.target.value)} />
      </Field>
      <Field label={t('catalog.stock')} hint={props.stockHint}>
        <input inputMode="numeric" value={value.stock} disabled={props.stockDisabled} onChange={(event) => value.setStock(event.target.value.replace(/\D/g, ''))} />
      </Field>
    </div>
  );
}

function NewProductDialog(props: { categories: readonly Node[]; initialCategory: number | null; onClose(): void }) {
  const t = useT();
  const { me } = useSession();
  const currency = me.business.currency;
  const [titles, setTitles] = useState<Texts>({});
  const [categoryId, setCategoryId] = useState<number | null>(props.initialCategory);
  const [digital, setDigital] = useState(false);
  const amounts = usePriceStock(currency);
  const { busy, run } = useAction();
  const { texts, any } = cleanTexts(titles);
  const valid = any && amounts.valid;
  const create = async () => {
    let created: number | undefined;
    const ok = await run(async () => {
      created = (await api<{ product: Product }>('POST', '/api/catalog/products', { title: texts, categoryId, priceMinor: amounts.minor, stock: amounts.count, digital })).product.id;
    }, t('catalog.created'));
    if (ok && created) navigate(`/catalog/${created}`);
  };
  return (
    <ConfirmDialog title={t('catalog.newProduct')} confirm={t('catalog.create')} busy={busy} disabled={!valid} onConfirm={() => void create()} onClose={props.onClose}>
      <div className="form">
        <TextsField label={t('catalog.productName')} value={titles} onChange={setTitles} maxLength={120} hint={t('catalog.textsHint')} />
        <CategorySelect label={t('catalog.category')} value={categoryId} categories={props.categories} onChange={setCategoryId} noneLabel={t('catalog.noCategory')} />
        <PriceStockFields value={amounts} />
        <label className="checkbox">
          <input type="checkbox" checked={digital} onChange={(event) => setDigital(event.target.checked)} />
          {t('catalog.digital')}
        </label>
      </div>
    </ConfirmDialog>
  );
}

function ProductEditor(props: { id: number }) {
  const t = useT();
  const { locale } = useI18n();
  const resource = useResource<{ product: Product }>(`/api/catalog/products/${props.id}${query({ locale })}`);
  const { flat } = useCategories();
  const { busy, run } = useAction();
  const [archiving, setArchiving] = useState(false);

  return (
    <>
      <BackLink to="/catalog" label="catalog.title" />
      <Async resource={resource} rows={8}>
        {({ product }) => (
          <>
            <PageHeader
              title={
                <>
                  {product.title} {product.hidden ? <Badge>{t('catalog.hidden')}</Badge> : <Badge tone="ok">{t('catalog.onSale')}</Badge>}
                </>
              }
              subtitle={`${product.priceVaries ? t('catalog.fromPrice', { price: money(product.fromPriceMinor, product.currency, locale) }) : money(product.fromPriceMinor, product.currency, locale)} · ${t('catalog.inStock', { n: product.totalStock })}`}
              actions={
                <>
                  <Button busy={busy} onClick={() => void run(() => api('PATCH', `/api/catalog/products/${product.id}`, { hidden: !product.hidden }), product.hidden ? t('catalog.shown') : t('catalog.hiddenDone')).then((ok) => ok && resource.reload())}>
                    <Icon name={product.hidden ? 'eye' : 'eyeOff'} /> {product.hidden ? t('catalog.show') : t('catalog.hide')}
                  </Button>
                  <Button variant="danger" onClick={() => setArchiving(true)}>
                    {t('catalog.archive')}
                  </Button>
                </>
              }
            />
            <div className="grid-main-side">
              <div className="stack">
                <ProductDetails key={product.id} product={product} categories={flat} onSaved={resource.reload} />
                <VariantsCard product={product} onChanged={resource.reload} />
              </div>
              <div className="stack">
                <PhotoCard product={product} onChanged={resource.reload} />
              </div>
            </div>
            {archiving ? (
              <ConfirmDialog
                title={t('catalog.archiveTitle', { name: product.title })}
                confirm={t('catalog.archive')}
                danger
                busy={busy}
                onClose={() => setArchiving(false)}
                onConfirm={() => void run(() => api('POST', `/api/catalog/products/${product.id}/archive`), t('catalog.archived')).then((ok) => ok && navigate('/catalog'))}
              >
                <p>{t('catalog.archiveText')}</p>
              </ConfirmDialog>
            ) : null}
          </>
        )}
      </Async>
    </>
  );
}

function ProductDetails(props: { product: Product; categories: readonly Node[]; onSaved(): void }) {
  const t = useT();
  const { product } = props;
  const [titles, setTitles] = useState<Texts>(product.titles);
  const [descriptions, setDescriptions] = useState<Texts>(product.descriptions);
  const [categoryId, setCategoryId] = useState<number | null>(product.categoryId);
  const [digital, setDigital] = useState(product.digital);
  const amounts = usePriceStock(product.currency, product.priceMinor, product.stock);
  const { busy, run } = useAction();
  const title = cleanTexts(titles);
  const hasVariants = product.variants.length > 0;
  const valid = title.any && amounts.valid;
  const save = () =>
    void run(
      () =>
        api('PATCH', `/api/catalog/products/${product.id}`, {
          title: title.texts,
          // Emptied languages are sent empty: the server drops them, so they are removed.
          description: descriptions,
          categoryId,
          priceMinor: amounts.minor,
          stock: amounts.count,
          digital,
        }),
      t('common.saved'),
    ).then((ok) => ok && props.onSaved());
  return (
    <Card title={t('catalog.details')}>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          save();
        }}
      >
        <TextsField label={t('catalog.productName')} value={titles} onChange={setTitles} maxLength={120} />
        <TextsField label={t('catalog.description')} value={descriptions} onChange={setDescriptions} maxLength={800} multiline />
        <CategorySelect label={t('catalog.category')} value={categoryId} categories={props.categories} onChange={setCategoryId} noneLabel={t('catalog.noCategory')} />
        <PriceStockFields value={amounts} priceHint={hasVariants ? t('catalog.variantPricesHint') : undefined} stockHint={hasVariants ? t('catalog.variantStockHint') : undefined} stockDisabled={hasVariants} />
        <label className="checkbox">
          <input type="checkbox" checked={digital} onChange={(event) => setDigital(event.target.checked)} />
          {t('catalog.digital')}
        </label>
        {props.product.externalId ? <p className="muted small">{t('catalog.externalId', { id: props.product.externalId })}</p> : null}
        <div className="button-row">
          <Button type="submit" variant="primary" busy={busy} disabled={!valid}>
            {t('common.save')}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function VariantsCard(props: { product: Product; onChanged(): void }) {
  const t = useT();
  const { locale } = useI18n();
  const { product } = props;
  const [editing, setEditing] = useState<Variant | 'new' | null>(null);
  const [removing, setRemoving] = useState<Variant | null>(null);
  const { busy, run } = useAction();
  return (
    <Card
      title={t('catalog.variants')}
      padded={false}
      actions={
        <Button size="sm" onClick={() => setEditing('new')}>
          <Icon name="plus" /> {t('catalog.addVariant')}
        </Button>
      }
    >
      {product.variants.length === 0 ? (
        <div className="card-body">
          <Empty title={t('catalog.noVariants')} hint={t('catalog.noVariantsHint')} />
        </div>
      ) : (
        <DataTable
          rows={product.variants}
          rowKey={(variant) => variant.id}
          columns={[
            { key: 'title', header: t('catalog.variant'), cell: (variant) => variant.title },
            { key: 'stock', header: t('catalog.stock'), className: 'num', cell: (variant) => (variant.stock > 0 ? number(variant.stock, locale) : <Badge tone="danger">{t('catalog.outOfStock')}</Badge>) },
            { key: 'price', header: t('catalog.price'), className: 'num', cell: (variant) => money(variant.priceMinor, product.currency, locale) },
            {
              key: 'actions',
              header: <span className="visually-hidden">{t('payments.actions')}</span>,
              className: 'actions',
              cell: (variant) => (
                <>
                  <Button size="sm" variant="ghost" onClick={() => setEditing(variant)} aria-label={t('catalog.editVariant', { name: variant.title })}>
                    <Icon name="pencil" />
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => setRemoving(variant)} aria-label={t('catalog.removeVariant', { name: variant.title })}>
                    ×
                  </Button>
                </>
              ),
            },
          ]}
        />
      )}
      {editing ? (
        <VariantDialog
          product={product}
          variant={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            props.onChanged();
          }}
        />
      ) : null}
      {removing ? (
        <ConfirmDialog
          title={t('catalog.removeVariant', { name: removing.title })}
          confirm={t('common.delete')}
          danger
          busy={busy}
          onClose={() => setRemoving(null)}
          onConfirm={() =>
            void run(() => api('DELETE', `/api/catalog/products/${product.id}/variants/${removing.id}`), t('catalog.variantRemoved')).then((ok) => {
              setRemoving(null);
              if (ok) props.onChanged();
            })
          }
        >
          <p>{t('catalog.removeVariantText')}</p>
        </ConfirmDialog>
      ) : null}
    </Card>
  );
}

function VariantDialog(props: { product: Product; variant: Variant | null; onClose(): void; onSaved(): void }) {
  const t = useT();
  const { product, variant } = props;
  const [titles, setTitles] = useState<Texts>(variant?.titles ?? {});
  const amounts = usePriceStock(product.currency, variant?.priceMinor ?? product.priceMinor, variant?.stock ?? 0);
  const { busy, run } = useAction();
  const title = cleanTexts(titles);
  const valid = title.any && amounts.valid;
  const body = { title: title.texts, priceMinor: amounts.minor, stock: amounts.count };
  const save = () =>
    void run(
      () => (variant ? api('PATCH', `/api/catalog/products/${product.id}/variants/${variant.id}`, body) : api('POST', `/api/catalog/products/${product.id}/variants`, body)),
      t('common.saved'),
    ).then((ok) => ok && props.onSaved());
  return (
    <ConfirmDialog title={variant ? t('catalog.editVariant', { name: variant.title }) : t('catalog.addVariant')} confirm={t('common.save')} busy={busy} disabled={!valid} onConfirm={save} onClose={props.onClose}>
      <div className="form">
        <TextsField label={t('catalog.variantName')} value={titles} onChange={setTitles} maxLength={64} hint={t('catalog.variantNameHint')} />
        <PriceStockFields value={amounts} />
      </div>
    </ConfirmDialog>
  );
}

const PHOTO_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

function PhotoCard(props: { product: Product; onChanged(): void }) {
  const t = useT();
  const { product } = props;
  const { busy, run } = useAction();
  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    // Checked here for a quick answer; the server checks the bytes themselves.
    if (!PHOTO_TYPES.includes(file.type)) return toast(t('catalog.photoType'), 'danger');
    if (file.size > MAX_PHOTO_BYTES) return toast(t('catalog.photoTooLarge'), 'danger');
    void run(() => upload('PUT', `/api/catalog/products/${product.id}/photo`, 'photo', file, file.name), t('catalog.photoUploaded')).then((ok) => ok && props.onChanged());
  };
  return (
    <Card title={t('catalog.photo')}>
      {product.photoId ? <img className="product-photo" src={`/api/catalog/photos/${product.photoId}`} alt={product.title} /> : <div className="product-photo photo-empty">{t('catalog.noPhoto')}</div>}
      <div className="button-row">
        <label className={`btn btn-secondary btn-md ${busy ? 'is-busy' : ''}`}>
          <Icon name="upload" /> {product.photoId ? t('catalog.replacePhoto') : t('catalog.uploadPhoto')}
          <input type="file" accept={PHOTO_TYPES.join(',')} className="visually-hidden" onChange={choose} disabled={busy} />
        </label>
        {product.photoId ? (
          <Button variant="ghost" busy={busy} onClick={() => void run(() => api('DELETE', `/api/catalog/products/${product.id}/photo`), t('catalog.photoRemoved')).then((ok) => ok && props.onChanged())}>
            {t('common.delete')}
          </Button>
        ) : null}
      </div>
      <p className="muted small">{t('catalog.photoHint')}</p>
    </Card>
  );
}

function ImportDialog(props: { onClose(): void; onImported(): void }) {
  const t = useT();
  const [csv, setCsv] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [check, setCheck] = useState<{ issues: ImportIssue[]; products: { create: number; update: number }; variants: { create: number; update: number } } | null>(null);
  const { busy, run } = useAction();
  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    const text = await file.text();
    setName(file.name);
    setCsv(text);
    setCheck(null);
    await run(async () => setCheck(await api('POST', '/api/catalog/import/check', { csv: text })));
  };
  const apply = () => void run(() => api('POST', '/api/catalog/import', { csv }), t('catalog.imported')).then((ok) => ok && props.onImported());
  const ready = csv !== null && check !== null && check.issues.length === 0;
  return (
    <ConfirmDialog title={t('catalog.importTitle')} confirm={t('catalog.importApply')} busy={busy} disabled={!ready} wide onConfirm={apply} onClose={props.onClose}>
      <div className="form">
        <p className="muted">{t('catalog.importHint')}</p>
        <Field label={t('catalog.importFile')}>
          <input type="file" accept=".csv,text/csv" onChange={(event) => void choose(event)} />
        </Field>
        {check && check.issues.length > 0 ? (
          <div className="form-error" role="alert">
            <strong>{t('catalog.importProblems', { n: check.issues.length, file: name })}</strong>
            <ul className="issue-list">
              {check.issues.slice(0, 50).map((issue, index) => (
                <li key={index}>{describeIssue(t, issue)}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {ready ? (
          <p className="status-banner ok" role="status">
            {t('catalog.importReady', { created: check.products.create, updated: check.products.update, variants: check.variants.create + check.variants.update })}
          </p>
        ) : null}
      </div>
    </ConfirmDialog>
  );
}

/** A row problem in the panel's language when the dictionary knows its code, else the server's sentence. */
function describeIssue(t: ReturnType<typeof useT>, issue: ImportIssue): string {
  const key = `catalog.issue.${issue.code.replace(/^import\./, '')}`;
  const text = t.has(key) ? t(key, { column: issue.column ?? '', value: issue.value ?? '' }) : issue.message;
  return issue.row > 0 ? `${t('catalog.issueRow', { row: issue.row })} ${text}` : text;
}
