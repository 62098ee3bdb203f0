// The storefront: categories as chips (a category shows its subcategories' products too), a
// search field, price and stock filters, and the product grid with photos and prices.

import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api.ts';
import { useMainButton } from '../../buttons.ts';
import { money } from '../../i18n.ts';
import { haptic } from '../../telegram.ts';
import type { Category, Product, ShopScreenProps } from './types.ts';

interface Filters {
  categoryId?: number;
  query: string;
  inStock: boolean;
  min: string;
  max: string;
}

const PAGE_SIZE = 20;

export function StoreScreen(props: ShopScreenProps): ReactNode {
  const { t, session, cart, open } = props;
  const locale = session.locale;
  const [categories, setCategories] = useState<Category[]>([]);
  const [filters, setFilters] = useState<Filters>({ query: '', inStock: false, min: '', max: '' });
  const [draft, setDraft] = useState<Filters>(filters);
  const [showFilters, setShowFilters] = useState(false);
  const [products, setProducts] = useState<Product[]>();
  const [page, setPage] = useState({ page: 1, pages: 1 });
  const [error, setError] = useState<string>();

  useEffect(() => {
    void api<{ categories: Category[] }>('GET', '/catalog/categories').then((answer) => setCategories(answer.categories));
  }, []);

  const load = (next: Filters, pageNumber: number) => {
    const query = new URLSearchParams({ page: String(pageNumber), page_size: String(PAGE_SIZE) });
    if (next.categoryId !== undefined) query.set('category_id', String(next.categoryId));
    if (next.query.trim().length >= 2) query.set('q', next.query.trim());
    if (next.inStock) query.set('in_stock', 'true');
    const minor = (value: string) => String(Math.round(Number(value.replace(',', '.')) * 100));
    if (next.min && Number.isFinite(Number(next.min))) query.set('min_price', minor(next.min));
    if (next.max && Number.isFinite(Number(next.max))) query.set('max_price', minor(next.max));
    setError(undefined);
    api<{ products: Product[]; page: number; pages: number }>('GET', `/catalog/products?${query}`).then(
      (answer) => {
        setProducts((current) => (pageNumber > 1 && current ? [...current, ...answer.products] : answer.products));
        setPage({ page: answer.page, pages: answer.pages });
      },
      (failure: Error) => setError(failure.message),
    );
  };
  useEffect(() => {
    load(filters, 1);
  }, [filters]);

  const topLevel = categories.filter((category) => category.parent_id === null);
  const chosen = categories.find((category) => category.id === filters.categoryId);
  const children = chosen ? categories.filter((category) => category.parent_id === chosen.id) : [];
  const chips = chosen ? [...(chosen.parent_id === null ? [] : categories.filter((c) => c.id === chosen.parent_id)), chosen, ...children] : topLevel;

  const submitSearch = (event: FormEvent) => {
    event.preventDefault();
    setFilters((current) => ({ ...current, query: draft.query }));
  };

  useMainButton(cart && cart.units > 0 ? t('cart.open', { total: money(cart.total_minor, cart.currency, locale) }) : undefined, () => open({ name: 'cart' }));

  return (
    <main className="screen">
      <header className="store-header">
        <h1>{session.business.name}</h1>
        <form className="search" role="search" onSubmit={submitSearch}>
          <input
            type="search"
            aria-label={t('search')}
            placeholder={t('search.placeholder')}
            value={draft.query}
            onChange={(event) => setDraft({ ...draft, query: event.target.value })}
            enterKeyHint="search"
          />
          <button type="button" className="icon-button" aria-expanded={showFilters} onClick={() => setShowFilters(!showFilters)}>
            {t('filters.title')}
          </button>
        </form>
        {showFilters ? (
          <form
            className="filters"
            aria-label={t('filters.title')}
            onSubmit={(event) => {
              event.preventDefault();
              setFilters({ ...filters, inStock: draft.inStock, min: draft.min, max: draft.max });
              setShowFilters(false);
            }}
          >
            <label className="check">
              <input type="checkbox" checked={draft.inStock} onChange={(event) => setDraft({ ...draft, inStock: event.target.checked })} />
              {t('filters.in_stock')}
            </label>
            <div className="price-range">
              <label>
                {t('filters.min')}
                <input inputMode="decimal" value={draft.min} onChange={(event) => setDraft({ ...draft, min: event.target.value })} />
              </label>
              <label>
                {t('filters.max')}
                <input inputMode="decimal" value={draft.max} onChange={(event) => setDraft({ ...draft, max: event.target.value })} />
              </label>
            </div>
            <div className="row">
              <button type="button" className="button secondary" onClick={() => {
                const cleared = { ...filters, inStock: false, min: '', max: '' };
                setDraft({ ...draft, inStock: false, min: '', max: '' });
                setFilters(cleared);
              }}>
                {t('filters.reset')}
              </button>
              <button type="submit" className="button">
                {t('filters.apply')}
              </button>
            </div>
          </form>
        ) : null}
        <nav className="chips" aria-label="Categories">
          <button type="button" className={filters.categoryId === undefined ? 'chip is-active' : 'chip'} onClick={() => setFilters({ ...filters, categoryId: undefined })}>
            {t('all')}
          </button>
          {chips.map((category) => (
            <button
              key={category.id}
              type="button"
              className={filters.categoryId === category.id ? 'chip is-active' : 'chip'}
              onClick={() => {
                haptic.select();
                setFilters({ ...filters, categoryId: category.id });
              }}
            >
              {category.title}
            </button>
          ))}
        </nav>
      </header>
      {error ? <p role="alert" className="notice">{error}</p> : null}
      {products === undefined ? <p className="muted">{t('loading')}</p> : products.length === 0 ? <p className="muted">{t('grid.empty')}</p> : null}
      <ul className="grid" aria-label="Products">
        {(products ?? []).map((product) => (
          <li key={product.id}>
            <button type="button" className="card" onClick={() => open({ name: 'product', id: product.id })}>
              {product.photos[0] ? <img src={`${product.photos[0]}?w=320`} alt="" loading="lazy" width={320} height={320} /> : <span className="photo-placeholder" />}
              <span className="card-title">{product.title}</span>
              <span className="card-price">
                {product.price_varies ? t('from', { price: money(product.price_minor, product.currency, locale) }) : money(product.price_minor, product.currency, locale)}
              </span>
              {product.stock === 0 ? <span className="badge">{t('sold_out')}</span> : null}
            </button>
          </li>
        ))}
      </ul>
      {page.page < page.pages ? (
        <button type="button" className="button secondary wide" onClick={() => load(filters, page.page + 1)}>
          {t('grid.more')}
        </button>
      ) : null}
    </main>
  );
}
