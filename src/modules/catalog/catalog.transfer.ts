import { buildCatalogCsv, importIssue, readCatalogCsv, type ExportProduct, type ImportIssue, type ImportPlan } from './catalog.csv.ts';
import { CatalogError } from './catalog.errors.ts';
import { createCatalogRepository } from './catalog.repository.ts';
import type { VariantRecord } from './catalog.tables.ts';
import { chunks, type CatalogViews } from './catalog.views.ts';

/** What an import did. */
export interface ImportSummary {
  productsCreated: number;
  productsUpdated: number;
  variantsCreated: number;
  variantsUpdated: number;
}

/** The whole catalogue as CSV out, and a CSV checked and imported in one transaction. */
export function createCatalogTransfer(views: CatalogViews) {
  const { deps, repository, translationsJson, textsOf, plainText, refreshSearchText } = views;
  /** Checks a plan's ids against the database; every problem is reported with its row. */
  const checkPlan = async (plan: ImportPlan): Promise<ImportIssue[]> => {
    const issues: ImportIssue[] = [];
    const categoryIds = new Set((await repository.listCategories()).map((row) => row.id));
    const productIds = [...new Set([...plan.products.flatMap((item) => (item.productId === null ? [] : [item.productId])), ...plan.variants.flatMap((item) => (item.productId === null ? [] : [item.productId]))])];
    const live = new Set<number>();
    for (const part of chunks(productIds)) for (const id of await repository.liveProductIds(part)) live.add(id);
    const variantIds = plan.variants.flatMap((item) => (item.variantId === null ? [] : [item.variantId]));
    const variants = new Map<number, VariantRecord>();
    for (const part of chunks(variantIds)) for (const row of await repository.findVariants(part)) variants.set(row.id, row);
    for (const product of plan.products) {
      if (product.productId !== null && !live.has(product.productId)) issues.push(importIssue(product.row, 'import.unknown_product', { column: 'product_id', value: String(product.productId) }));
      if (product.categoryId !== null && !categoryIds.has(product.categoryId)) issues.push(importIssue(product.row, 'import.unknown_category', { column: 'category_id', value: String(product.categoryId) }));
    }
    for (const variant of plan.variants) {
      if (variant.productId !== null && !live.has(variant.productId)) issues.push(importIssue(variant.row, 'import.unknown_product', { column: 'product_id', value: String(variant.productId) }));
      else if (variant.variantId !== null) {
        const found = variants.get(variant.variantId);
        // A known variant listed under a new product, or under another product, is not this one.
        if (!found || variant.productId === null || found.product_id !== variant.productId) {
          issues.push(importIssue(variant.row, 'import.unknown_variant', { column: 'variant_id', value: String(variant.variantId) }));
        }
      }
    }
    // An id the file gives must not be another row's: the unique index would refuse it mid-import.
    const wanted = (items: readonly { externalId?: string | null }[]) => [...new Set(items.flatMap((item) => (item.externalId ? [item.externalId] : [])))];
    const productHolders = new Map<string, number>();
    for (const part of chunks(wanted(plan.products))) for (const row of await repository.productsByExternalIds(part)) productHolders.set(row.external_id as string, row.id);
    const variantHolders = new Map<string, number>();
    for (const part of chunks(wanted(plan.variants))) for (const row of await repository.variantsByExternalIds(part)) variantHolders.set(row.external_id as string, row.id);
    for (const product of plan.products) {
      const holder = product.externalId ? productHolders.get(product.externalId) : undefined;
      if (holder !== undefined && holder !== product.productId) issues.push(importIssue(product.row, 'import.external_id_taken', { column: 'external_id', value: product.externalId as string }));
    }
    for (const variant of plan.variants) {
      const holder = variant.externalId ? variantHolders.get(variant.externalId) : undefined;
      if (holder !== undefined && holder !== variant.variantId) issues.push(importIssue(variant.row, 'import.external_id_taken', { column: 'external_id', value: variant.externalId as string }));
    }
    return issues.sort((a, b) => a.row - b.row);
  };

  const transfer = {
    /** The whole live catalogue (hidden products too) as CSV, one row per product and per variant. */
    async exportCsv(): Promise<{ csv: Buffer; products: number }> {
      const rows = await repository.listAllProducts();
      const variants: VariantRecord[] = [];
      for (const part of chunks(rows.map((row) => row.id))) variants.push(...(await repository.listVariants(part)));
      const byProduct = Map.groupBy(variants, (variant) => variant.product_id);
      const products: ExportProduct[] = rows.map((row) => ({
        id: row.id,
        categoryId: row.category_id,
        titles: textsOf(row.title, row.translations, 'title'),
        descriptions: textsOf(row.description, row.translations, 'description'),
        priceMinor: row.price_minor,
        stock: row.stock,
        hidden: row.is_hidden === 1,
        digital: row.is_digital === 1,
        externalId: row.external_id,
        variants: (byProduct.get(row.id) ?? []).map((variant) => ({
          id: variant.id,
          titles: textsOf(variant.title, variant.translations, 'title'),
          priceMinor: variant.price_minor,
          stock: variant.stock,
          externalId: variant.external_id,
        })),
      }));
      return { csv: buildCatalogCsv(products, deps.currency), products: products.length };
    },

    /** Checks a CSV without changing anything: every problem, each with its row. */
    async checkImport(text: string): Promise<{ issues: ImportIssue[]; plan: ImportPlan }> {
      const { plan, issues } = readCatalogCsv(text, deps.currency);
      // Rows that read well are checked against the database too, so one pass names every problem.
      const fileWide = issues.some((issue) => issue.row <= 1);
      const all = fileWide ? issues : [...issues, ...(await checkPlan(plan))];
      return { plan, issues: all.sort((a, b) => a.row - b.row) };
    },

    /**
     * Imports a CSV all or nothing: every row is checked first (`catalog.import_invalid` with
     * `details.issues` when any is wrong, nothing written), then every change is written in
     * one transaction, so a failure half-way leaves the catalogue as it was.
     */
    async importCsv(text: string): Promise<ImportSummary> {
      const { plan, issues } = await transfer.checkImport(text);
      if (issues.length > 0) throw new CatalogError('catalog.import_invalid', `The file has ${issues.length} problem(s); nothing was imported.`, { issues });
      const summary: ImportSummary = { productsCreated: 0, productsUpdated: 0, variantsCreated: 0, variantsUpdated: 0 };
      await deps.db.transaction().execute(async (trx) => {
        const scoped = createCatalogRepository(trx);
        const nowMs = deps.now();
        const created: number[] = [];
        const touched = new Set<number>();
        for (const item of plan.products) {
          const texts = {
            title: plainText(item.titles),
            description: plainText(item.descriptions),
            translations: translationsJson(item.titles, item.descriptions),
            ...(item.externalId === undefined ? {} : { external_id: item.externalId }),
          };
          if (item.productId === null) {
            const row = await scoped.insertProduct(
              {
                ...texts,
                category_id: item.categoryId,
                price_minor: item.priceMinor,
                currency: deps.currency,
                stock: item.stock,
                search_text: '',
                position: (await scoped.lastProductPosition(item.categoryId)) + 1,
                is_hidden: item.hidden ? 1 : 0,
                is_digital: item.digital ? 1 : 0,
              },
              nowMs,
            );
            created.push(row.id);
            touched.add(row.id);
            summary.productsCreated += 1;
          } else {
            await scoped.updateProduct(
              item.productId,
              { ...texts, category_id: item.categoryId, price_minor: item.priceMinor, stock: item.stock, is_hidden: item.hidden ? 1 : 0, ...(item.digital === undefined ? {} : { is_digital: item.digital ? 1 : 0 }) },
              nowMs,
            );
            created.push(item.productId);
            touched.add(item.productId);
            summary.productsUpdated += 1;
          }
        }
        for (const item of plan.variants) {
          const productId = item.productId ?? (created[item.parentIndex as number] as number);
          const texts = { title: plainText(item.titles), translations: translationsJson(item.titles), ...(item.externalId === undefined ? {} : { external_id: item.externalId }) };
          if (item.variantId === null) {
            await scoped.insertVariant({ ...texts, product_id: productId, options: null, price_minor: item.priceMinor, stock: item.stock, position: (await scoped.lastVariantPosition(productId)) + 1 }, nowMs);
            summary.variantsCreated += 1;
          } else {
            await scoped.updateVariant(item.variantId, { ...texts, price_minor: item.priceMinor, stock: item.stock }, nowMs);
            summary.variantsUpdated += 1;
          }
          touched.add(productId);
        }
        for (const productId of touched) await refreshSearchText(scoped, productId);
      });
      return summary;
    },

  };
  return transfer;
}
