// What the bare baseline bots know: the shop preset's demo catalogue and the screens Lavka
// draws for it (same texts in English, same buttons and callback data), with every piece of
// state in memory. It is shared by the grammY and the Telegraf baselines so that the two
// differ only in their framework. No i18n, no database, no sessions, no metrics, no logs:
// this is the floor Lavka's features are measured against.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { renderTilePng, type TileShape } from '../../src/modules/catalog/tile-image.ts';

/** An inline keyboard as plain Bot API objects; both frameworks send these as they are. */
export type Buttons = { text: string; callback_data: string }[][];

/** A screen: text (or a photo caption) and its buttons. */
export interface Screen {
  text: string;
  buttons: Buttons;
}

/** A category of the demo catalogue. */
export interface BaseCategory {
  id: number;
  parentId: number | null;
  title: string;
  childIds: number[];
  productIds: number[];
}

/** A variant of a product. */
export interface BaseVariant {
  id: number;
  title: string;
  price: number;
  stock: number;
}

/** A product with its picture (generated like Lavka's demo pictures). */
export interface BaseProduct {
  id: number;
  categoryId: number;
  title: string;
  description: string;
  price: number;
  stock: number;
  variants: BaseVariant[];
  image: Buffer;
  /** Telegram's file_id once the picture went up, so later cards send the id, not the bytes. */
  fileId?: string;
}

/** A cart line. */
export interface CartLine {
  itemId: number;
  productId: number;
  variantId: number;
  quantity: number;
}

/** Everything the baseline keeps about one customer. */
export interface CustomerState {
  cart: CartLine[];
  nextItemId: number;
  /** The checkout conversation: which answer the bot waits for. */
  checkout?: { step: 'delivery' | 'address' | 'phone'; method?: string; address?: string };
}

type Localised = string | { en?: string; ru?: string };
interface DemoProduct {
  title: Localised;
  description?: Localised;
  price: number;
  stock?: number;
  image?: { colour: string; shape: TileShape };
  variants?: { title: Localised; price?: number; stock: number }[];
}
interface DemoCategory {
  title: Localised;
  products?: DemoProduct[];
  children?: DemoCategory[];
}

const en = (value: Localised | undefined): string => (typeof value === 'string' ? value : (value?.en ?? value?.ru ?? ''));

/** Lavka's English texts for the screens the benchmark visits. */
export const TEXT = {
  business: 'Lavka Shop',
  welcome: (name: string) => `Hello, ${name}! Welcome to Lavka Shop.`,
  menuTitle: 'Lavka Shop — main menu. What would you like to do?',
  catalogTitle: '🛍 Catalogue',
  catalogHint: 'Choose a category or a product, or type a product name to search.',
  cartTitle: '🧺 Your cart',
  cartEmpty: 'Your cart is empty. Have a look at the catalogue.',
  cartCleared: 'The cart is empty now.',
  added: (title: string, quantity: number) => `Added: ${title}. In the cart: ${quantity}.`,
  checkoutStart: "Let's place your order. You can send /cancel at any step; your cart stays as it is.",
  askDelivery: 'How would you like to get your order?',
  pickup: '🏪 Pickup',
  courier: '🚚 Courier',
  askAddress: 'Type the delivery address (street, house, flat):',
  askPhone: 'Share your phone number with the button below, or type it (e.g. +7 701 123 45 67):',
  shareContact: '📱 Share my phone number',
  addressInvalid: 'Please type an address of 5 to 300 characters.',
  cancelled: 'Cancelled. Nothing was changed.',
  nothingToCancel: 'There is nothing to cancel.',
  noOrders: 'You have no orders yet.',
  outdated: 'This menu is out of date. Here is a fresh one.',
  unknown: "Sorry, I did not understand that. Use the menu below or /help.",
} as const;

const PAGE_SIZE = 6;
const priceFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const money = (amount: number) => `₸${priceFormat.format(amount)}`;

/** The shop's catalogue and customers, in memory. */
export interface ShopLogic {
  categories: Map<number, BaseCategory>;
  products: Map<number, BaseProduct>;
  customer(userId: number): CustomerState;
  mainMenu(): Screen;
  /** A category page, or undefined for an unknown category. */
  categoryScreen(categoryId: number, page: number): Screen | undefined;
  /** A product card (caption and buttons), or undefined for unknown ids. */
  productCard(productId: number, variantId: number, back: string): { screen: Screen; product: BaseProduct } | undefined;
  cartScreen(userId: number): Screen;
  ordersScreen(): Screen;
  /** Adds one unit; returns the toast text, or undefined when the item cannot be bought. */
  addToCart(userId: number, productId: number, variantId: number): string | undefined;
  /** Changes a line's quantity by `delta` (a line at 0 goes away); false for an unknown line. */
  changeQuantity(userId: number, itemId: number, delta: number): boolean;
  clearCart(userId: number): void;
}

/** Loads the demo catalogue from the shop preset, numbering it in the order Lavka seeds it. */
export function createShopLogic(presetFile = path.join(import.meta.dirname, '../../presets/shop/preset.yaml')): ShopLogic {
  const preset = parse(readFileSync(presetFile, 'utf8')) as { demo: { catalog: { categories: DemoCategory[] } } };
  const categories = new Map<number, BaseCategory>();
  const products = new Map<number, BaseProduct>();
  const roots: number[] = [];
  let nextCategory = 0;
  let nextProduct = 0;
  let nextVariant = 0;
  const images = new Map<string, Buffer>();

  const addCategory = (demo: DemoCategory, parentId: number | null) => {
    const category: BaseCategory = { id: ++nextCategory, parentId, title: en(demo.title), childIds: [], productIds: [] };
    categories.set(category.id, category);
    if (parentId === null) roots.push(category.id);
    else categories.get(parentId)?.childIds.push(category.id);
    for (const item of demo.products ?? []) {
      const key = `${item.image?.colour ?? '#888888'}:${item.image?.shape ?? 'square'}`;
      let image = images.get(key);
      if (!image) {
        image = renderTilePng({ colour: item.image?.colour ?? '#888888', shape: item.image?.shape ?? 'square' });
        images.set(key, image);
      }
      const product: BaseProduct = {
        id: ++nextProduct,
        categoryId: category.id,
        title: en(item.title),
        description: en(item.description),
        price: item.price,
        stock: item.stock ?? 0,
        variants: (item.variants ?? []).map((variant) => ({ id: ++nextVariant, title: en(variant.title), price: variant.price ?? item.price, stock: variant.stock })),
        image,
      };
      products.set(product.id, product);
      category.productIds.push(product.id);
    }
    for (const child of demo.children ?? []) addCategory(child, category.id);
  };
  for (const root of preset.demo.catalog.categories) addCategory(root, null);

  const customers = new Map<number, CustomerState>();
  const customer = (userId: number): CustomerState => {
    let state = customers.get(userId);
    if (!state) {
      state = { cart: [], nextItemId: 1 };
      customers.set(userId, state);
    }
    return state;
  };

  const stockOf = (product: BaseProduct) => (product.variants.length > 0 ? product.variants.reduce((sum, variant) => sum + variant.stock, 0) : product.stock);
  const priceLabel = (product: BaseProduct) => {
    const prices = product.variants.length > 0 ? product.variants.map((variant) => variant.price) : [product.price];
    const lowest = Math.min(...prices);
    return prices.some((value) => value !== lowest) ? `from ${money(lowest)}` : money(lowest);
  };
  const lineTitle = (line: CartLine) => {
    const product = products.get(line.productId);
    const variant = product?.variants.find((candidate) => candidate.id === line.variantId);
    return variant ? `${product?.title} (${variant.title})` : (product?.title ?? '?');
  };
  const unitPrice = (line: CartLine) => {
    const product = products.get(line.productId);
    return product?.variants.find((candidate) => candidate.id === line.variantId)?.price ?? product?.price ?? 0;
  };
  const menuRow = { text: '« Main menu', callback_data: 'core:menu' };

  return {
    categories,
    products,
    customer,
    mainMenu() {
      return {
        text: TEXT.menuTitle,
        buttons: [
          [
            { text: '🛍 Catalogue', callback_data: 'catalog:home' },
            { text: '🧺 Cart', callback_data: 'cart:view' },
          ],
          [
            { text: '📦 My orders', callback_data: 'orders:my:1' },
            { text: '❓ FAQ', callback_data: 'faq:list' },
          ],
          [{ text: '💬 Contact us', callback_data: 'support:contact' }],
          [{ text: '🌐 Language', callback_data: 'core:language' }],
        ],
      };
    },
    categoryScreen(categoryId, page) {
      const category = categoryId === 0 ? undefined : categories.get(categoryId);
      if (categoryId !== 0 && !category) return undefined;
      const entries = [
        ...(category ? category.childIds : roots).map((id) => ({ kind: 'category' as const, id })),
        ...(category?.productIds ?? []).map((id) => ({ kind: 'product' as const, id })),
      ];
      const pages = Math.max(1, Math.ceil(entries.length / PAGE_SIZE));
      const current = Math.min(Math.max(1, page), pages);
      const buttons: Buttons = [];
      for (const entry of entries.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE)) {
        if (entry.kind === 'category') {
          buttons.push([{ text: `📁 ${categories.get(entry.id)?.title}`, callback_data: `catalog:c:${entry.id}:1` }]);
        } else {
          const product = products.get(entry.id) as BaseProduct;
          const label = stockOf(product) > 0 ? `${product.title} · ${priceLabel(product)}` : `${product.title} · sold out`;
          buttons.push([{ text: label, callback_data: `catalog:p:${product.id}:0:${categoryId}:${current}` }]);
        }
      }
      if (pages > 1) {
        buttons.push([
          { text: '‹', callback_data: `catalog:c:${categoryId}:${Math.max(1, current - 1)}` },
          { text: `${current}/${pages}`, callback_data: `catalog:c:${categoryId}:${current}` },
          { text: '›', callback_data: `catalog:c:${categoryId}:${Math.min(pages, current + 1)}` },
        ]);
      }
      const tools = [{ text: '🔎 Search', callback_data: 'catalog:find' }];
      if (category) tools.push({ text: '« Back', callback_data: `catalog:c:${category.parentId ?? 0}:1` });
      buttons.push(tools, [menuRow]);
      const trail: string[] = [TEXT.catalogTitle];
      for (let cursor = category; cursor; cursor = cursor.parentId === null ? undefined : categories.get(cursor.parentId)) trail.splice(1, 0, cursor.title);
      return { text: `${trail.join(' › ')}\n\n${TEXT.catalogHint}`, buttons };
    },
    productCard(productId, variantId, back) {
      const product = products.get(productId);
      if (!product) return undefined;
      const variant = variantId === 0 ? product.variants.find((candidate) => candidate.stock > 0) : product.variants.find((candidate) => candidate.id === variantId);
      if (variantId !== 0 && !variant) return undefined;
      const buttons: Buttons = [];
      let row: Buttons[number] = [];
      for (const option of product.variants) {
        const mark = option.id === variant?.id ? '✓ ' : option.stock === 0 ? '✕ ' : '';
        row.push({ text: `${mark}${option.title}`, callback_data: `catalog:p:${product.id}:${option.id}:${back}` });
        if (row.length === 2) {
          buttons.push(row);
          row = [];
        }
      }
      if (row.length > 0) buttons.push(row);
      const sellable = variant ? variant.stock > 0 : product.variants.length === 0 && product.stock > 0;
      const actions = [{ text: '🧺 Cart', callback_data: 'cart:view:1' }];
      if (sellable) actions.unshift({ text: '🛒 Add to cart', callback_data: `cart:add:${product.id}:${variant?.id ?? 0}` });
      buttons.push(actions);
      buttons.push([{ text: '« Back', callback_data: `catalog:c:${back.split(':')[0]}:${back.split(':')[1] ?? 1}` }, menuRow]);
      const stock = variant ? variant.stock : product.stock;
      const lines = [product.title, variant ? `${variant.title} — ${money(variant.price)}` : priceLabel(product), stock > 0 ? `In stock: ${stock}` : 'Sold out'];
      const text = product.description ? `${lines.join('\n')}\n\n${product.description}` : lines.join('\n');
      return { screen: { text, buttons }, product };
    },
    cartScreen(userId) {
      const { cart } = customer(userId);
      if (cart.length === 0) {
        return { text: TEXT.cartEmpty, buttons: [[{ text: '🛍 Catalogue', callback_data: 'catalog:home' }, menuRow]] };
      }
      const rows: string[] = [];
      const buttons: Buttons = [];
      let total = 0;
      let units = 0;
      cart.forEach((line, index) => {
        const price = unitPrice(line);
        total += price * line.quantity;
        units += line.quantity;
        rows.push(`${index + 1}. ${lineTitle(line)}\n    ${line.quantity} × ${money(price)} = ${money(price * line.quantity)}`);
        buttons.push([
          { text: '➖', callback_data: `cart:dec:${line.itemId}:1` },
          { text: `#${index + 1}: ${line.quantity} pcs`, callback_data: 'cart:view:1' },
          { text: '➕', callback_data: `cart:inc:${line.itemId}:1` },
          { text: '✖', callback_data: `cart:rm:${line.itemId}:1` },
        ]);
      });
      buttons.push([
        { text: '🗑 Clear', callback_data: 'cart:clear' },
        { text: '✅ Checkout', callback_data: 'cart:checkout' },
      ]);
      buttons.push([{ text: '🛍 Catalogue', callback_data: 'catalog:home' }, menuRow]);
      const text = [TEXT.cartTitle, '', ...rows, '', `Total: ${money(total)} (${units} ${units === 1 ? 'item' : 'items'})`].join('\n');
      return { text, buttons };
    },
    ordersScreen() {
      return { text: TEXT.noOrders, buttons: [[menuRow]] };
    },
    addToCart(userId, productId, variantId) {
      const product = products.get(productId);
      const variant = product?.variants.find((candidate) => candidate.id === variantId);
      if (!product || (variantId !== 0 && !variant)) return undefined;
      const stock = variant ? variant.stock : product.stock;
      const state = customer(userId);
      let line = state.cart.find((candidate) => candidate.productId === productId && candidate.variantId === variantId);
      if ((line?.quantity ?? 0) + 1 > stock) return `Sorry, only ${stock} left in stock.`;
      if (!line) {
        line = { itemId: state.nextItemId++, productId, variantId, quantity: 0 };
        state.cart.push(line);
      }
      line.quantity += 1;
      return TEXT.added(lineTitle(line), line.quantity);
    },
    changeQuantity(userId, itemId, delta) {
      const state = customer(userId);
      const line = state.cart.find((candidate) => candidate.itemId === itemId);
      if (!line) return false;
      line.quantity += delta;
      if (line.quantity <= 0) state.cart = state.cart.filter((candidate) => candidate !== line);
      return true;
    },
    clearCart(userId) {
      customer(userId).cart = [];
    },
  };
}
