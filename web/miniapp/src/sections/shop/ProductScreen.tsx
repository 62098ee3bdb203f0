// A product: its photo gallery (swipe or tap the dots), description, variants as choices, and
// "Add to cart" on Telegram's MainButton.

import { useEffect, useState, type ReactNode } from 'react';
import { api, ApiError } from '../../api.ts';
import { useMainButton } from '../../buttons.ts';
import { money } from '../../i18n.ts';
import { haptic } from '../../telegram.ts';
import type { Cart, Product, ShopScreenProps } from './types.ts';

export function ProductScreen(props: ShopScreenProps & { id: number }): ReactNode {
  const { t, session, setCart } = props;
  const locale = session.locale;
  const [product, setProduct] = useState<Product>();
  const [variantId, setVariantId] = useState<number>();
  const [photo, setPhoto] = useState(0);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string>();

  useEffect(() => {
    api<{ product: Product }>('GET', `/catalog/products/${props.id}`).then(
      (answer) => {
        setProduct(answer.product);
        const first = answer.product.variants.find((variant) => variant.stock > 0);
        if (answer.product.variants.length > 0 && first) setVariantId(first.id);
      },
      (failure: Error) => setNote(failure.message),
    );
  }, [props.id]);

  const variant = product?.variants.find((item) => item.id === variantId);
  const needsVariant = (product?.variants.length ?? 0) > 0;
  const price = variant?.price_minor ?? product?.price_minor ?? 0;
  const stock = needsVariant ? (variant?.stock ?? 0) : (product?.stock ?? 0);
  const add = async () => {
    if (!product) return;
    setBusy(true);
    setNote(undefined);
    try {
      const answer = await api<{ cart: Cart }>('POST', '/cart/items', { product_id: product.id, variant_id: variant?.id ?? null, quantity: 1 });
      setCart(answer.cart);
      haptic.notify('success');
      setNote(t('product.added'));
    } catch (failure) {
      haptic.notify('error');
      setNote(failure instanceof ApiError ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };
  useMainButton(
    product ? (needsVariant && !variant ? t('product.choose') : stock === 0 ? t('sold_out') : t('product.add', { price: money(price, product.currency, locale) })) : undefined,
    () => void add(),
    { active: stock > 0 && (!needsVariant || variant !== undefined), progress: busy },
  );

  if (!product) return <main className="screen centered">{note ?? t('loading')}</main>;
  return (
    <main className="screen product">
      <div className="gallery" aria-label="Photos">
        <div className="gallery-track" onScroll={(event) => setPhoto(Math.round(event.currentTarget.scrollLeft / event.currentTarget.clientWidth))}>
          {product.photos.length === 0 ? <span className="photo-placeholder large" /> : null}
          {product.photos.map((url, index) => (
            <img key={url} src={`${url}?w=640`} alt={`${product.title} ${index + 1}`} width={640} height={640} />
          ))}
        </div>
        {product.photos.length > 1 ? (
          <div className="dots">
            {product.photos.map((url, index) => (
              <span key={url} className={index === photo ? 'dot is-active' : 'dot'} />
            ))}
          </div>
        ) : null}
      </div>
      <h1>{product.title}</h1>
      <p className="price">{money(price, product.currency, locale)}</p>
      {needsVariant ? (
        <fieldset className="variants">
          <legend>{t('product.choose')}</legend>
          {product.variants.map((item) => (
            <label key={item.id} className={item.id === variantId ? 'variant is-active' : 'variant'} aria-disabled={item.stock === 0}>
              <input
                type="radio"
                name="variant"
                value={item.id}
                checked={item.id === variantId}
                disabled={item.stock === 0}
                onChange={() => {
                  haptic.select();
                  setVariantId(item.id);
                }}
              />
              {item.title}
            </label>
          ))}
        </fieldset>
      ) : null}
      <p className="muted">{stock > 0 ? t('in_stock', { count: stock }) : t('sold_out')}</p>
      {note ? <p className="notice" role="status">{note}</p> : null}
      <p className="description">{product.description}</p>
    </main>
  );
}
