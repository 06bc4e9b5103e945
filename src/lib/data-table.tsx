// Every table in the console: TanStack Table (sorting, a text filter, pagination) drawn with
// Mantine's Table. Wide tables scroll inside their own frame, never the page, and the actions
// column is pinned to the right edge so Stop or Delete is always in view. A list that declares its
// `card` columns becomes a stack of cards on a phone instead (one per row: title, status, the other
// columns as labelled lines, the actions), so nothing hides behind a sideways scroll. The cards are
// the same table elements restyled by CSS below Mantine's `sm` breakpoint (data-table.module.css):
// no second rendering of the rows, no layout flash while a media query hook settles, and the row
// buttons keep their focus and pending state when the screen turns.
import { Group, Pagination, Table, Text, TextInput, UnstyledButton, VisuallyHidden } from "@mantine/core";
import {
  columnFilteringFeature,
  createColumnHelper,
  createFilteredRowModel,
  createPaginatedRowModel,
  createSortedRowModel,
  filterFn_includesString,
  globalFilteringFeature,
  rowPaginationFeature,
  rowSortingFeature,
  sortFn_alphanumeric,
  sortFn_basic,
  sortFn_datetime,
  sortFn_text,
  tableFeatures,
  useTable,
  type ColumnDef,
  type RowData,
  type SortingState,
} from "@tanstack/react-table";
import { Fragment, useId, useMemo, type ReactNode } from "react";
import classes from "./data-table.module.css";

export const TABLE_FEATURES = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric, text: sortFn_text, basic: sortFn_basic, datetime: sortFn_datetime },
  columnFilteringFeature,
  globalFilteringFeature,
  filteredRowModel: createFilteredRowModel(),
  filterFns: { includesString: filterFn_includesString },
  rowPaginationFeature,
  paginatedRowModel: createPaginatedRowModel(),
});
export type TableFeatureSet = typeof TABLE_FEATURES;
// `any` is TanStack's own column-array typing: each column's value type differs.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DataColumn<T extends RowData> = ColumnDef<TableFeatureSet, T, any>;

/** A typed column helper for rows of type T (call at module scope and keep the columns stable). */
export function columnsFor<T extends RowData>() {
  return createColumnHelper<TableFeatureSet, T>();
}

/** Server-side pages (e.g. run history): the table shows `data` as the current page. */
export interface ServerPages {
  pageIndex: number;
  pageSize: number;
  rowCount: number;
  onPageChange: (pageIndex: number) => void;
}

/**
 * How a row reads as a card on a phone: the ids of the column that names the row (the card's title)
 * and of the one that says its state (beside the title). Every other column shows as a line with its
 * header as the label; the actions (the `actions` prop) close the card.
 */
export interface CardLayout {
  title: string;
  status?: string;
}

type CardPart = "title" | "status" | "detail" | "actions";

function cardPart(card: CardLayout | undefined, columnId: string): CardPart | undefined {
  if (!card) return undefined;
  if (columnId === "actions") return "actions";
  if (columnId === card.title) return "title";
  if (columnId === card.status) return "status";
  return "detail";
}

export function DataTable<T extends RowData>({
  label,
  columns,
  data,
  getRowId,
  initialSort = [],
  filter,
  pageSize = 20,
  server,
  actions,
  minWidth = 640,
  empty,
  expandedRow,
  card,
}: {
  /** The table's accessible name (and caption for screen readers). */
  label: string;
  columns: DataColumn<T>[];
  data: T[];
  getRowId: (row: T) => string;
  initialSort?: SortingState;
  /** Shows a text filter over the string columns. */
  filter?: { label: string; placeholder?: string };
  pageSize?: number;
  server?: ServerPages;
  /** The pinned last column ("Actions"), e.g. Start/Stop/Delete. */
  actions?: (row: T) => ReactNode;
  /** Below this width the table scrolls inside its frame. */
  minWidth?: number;
  /** What to say when there are no rows (or none match the filter). */
  empty?: ReactNode;
  /**
   * A row's expanded content (e.g. a run's errors) shown in a full-width row under it, or null while
   * collapsed; the caller keeps the state and a toggle (usually in the actions column).
   */
  expandedRow?: (row: T) => ReactNode;
  /** On a phone, each row as a card with these columns as its title and status (see CardLayout). */
  card?: CardLayout;
}) {
  const filterId = useId();
  // The actions column's cells are drawn below by calling `actions` directly, not through the
  // column definition: a caller's new `actions` function then never remounts the row's buttons
  // (which would drop focus and pending state on every refresh).
  const hasActions = actions !== undefined;
  const allColumns = useMemo<DataColumn<T>[]>(
    () =>
      hasActions
        ? [...columns, { id: "actions", header: "Actions", enableSorting: false, enableGlobalFilter: false }]
        : columns,
    [columns, hasActions],
  );
  const table = useTable({
    features: TABLE_FEATURES,
    columns: allColumns,
    data,
    getRowId: (row) => getRowId(row),
    initialState: { sorting: initialSort, pagination: { pageIndex: 0, pageSize: server?.pageSize ?? pageSize } },
    globalFilterFn: "includesString",
    getColumnCanGlobalFilter: (column) => column.id !== "actions",
    enableSortingRemoval: false,
    ...(server
      ? {
          manualPagination: true,
          rowCount: server.rowCount,
          state: { pagination: { pageIndex: server.pageIndex, pageSize: server.pageSize } },
          onPaginationChange: () => undefined,
        }
      : {}),
  });

  const rows = table.getRowModel().rows;
  const pageCount = table.getPageCount();
  const pageIndex = server ? server.pageIndex : table.state.pagination.pageIndex;
  const filterValue = (table.state.globalFilter as string | undefined) ?? "";

  return (
    <div className={card ? `${classes.frame} ${classes.cards}` : classes.frame}>
      {filter ? (
        <TextInput
          id={filterId}
          label={filter.label}
          placeholder={filter.placeholder}
          value={filterValue}
          onChange={(event) => table.setGlobalFilter(event.currentTarget.value)}
          maw={360}
          mb="sm"
          size="sm"
        />
      ) : null}
      <Table.ScrollContainer
        minWidth={minWidth}
        type="native"
        classNames={{ scrollContainerInner: classes.inner }}
        // A table without row buttons may have nothing focusable to scroll it sideways with the
        // keyboard on a phone (axe: scrollable-region-focusable); its frame takes focus instead.
        {...(hasActions ? {} : { tabIndex: 0, role: "region", "aria-label": label })}
      >
        <Table striped highlightOnHover verticalSpacing="xs" aria-label={label} className={classes.table}>
          <VisuallyHidden component="caption">{label}</VisuallyHidden>
          <Table.Thead>
            {table.getHeaderGroups().map((group) => (
              <Table.Tr key={group.id}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  const canSort = header.column.getCanSort();
                  return (
                    <Table.Th
                      key={header.id}
                      scope="col"
                      aria-sort={sorted ? (sorted === "asc" ? "ascending" : "descending") : undefined}
                      className={header.column.id === "actions" ? classes.actions : undefined}
                    >
                      {header.isPlaceholder ? null : canSort ? (
                        <UnstyledButton onClick={header.column.getToggleSortingHandler()} className={classes.sort}>
                          <table.FlexRender header={header} />
                          <span aria-hidden="true" className={classes.indicator}>
                            {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}
                          </span>
                        </UnstyledButton>
                      ) : (
                        <table.FlexRender header={header} />
                      )}
                    </Table.Th>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Thead>
          <Table.Tbody>
            {rows.length === 0 ? (
              <Table.Tr>
                <Table.Td colSpan={allColumns.length} data-card="whole">
                  <Text c="dimmed" size="sm" py="sm">
                    {filterValue ? `Nothing matches “${filterValue}”.` : (empty ?? "Nothing to show yet.")}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ) : (
              rows.map((row) => {
                const expanded = expandedRow?.(row.original) ?? null;
                return (
                  <Fragment key={row.id}>
                    <Table.Tr>
                      {row.getAllCells().map((cell) => {
                        const part = cardPart(card, cell.column.id);
                        if (cell.column.id === "actions" && actions) {
                          return (
                            <Table.Td key={cell.id} className={classes.actions} data-card={part}>
                              {actions(row.original)}
                            </Table.Td>
                          );
                        }
                        const header = cell.column.columnDef.header;
                        return (
                          <Table.Td
                            key={cell.id}
                            data-card={part}
                            // The card's line label (drawn by CSS on a phone only, where the header row is hidden).
                            data-label={part === "detail" && typeof header === "string" ? header : undefined}
                          >
                            {part === "detail" ? (
                              // One box for the value, so a cell of several parts stays beside its label.
                              <div className={classes.value}>
                                <table.FlexRender cell={cell} />
                              </div>
                            ) : (
                              <table.FlexRender cell={cell} />
                            )}
                          </Table.Td>
                        );
                      })}
                    </Table.Tr>
                    {expanded === null ? null : (
                      <Table.Tr>
                        <Table.Td colSpan={allColumns.length} data-card="whole">
                          {expanded}
                        </Table.Td>
                      </Table.Tr>
                    )}
                  </Fragment>
                );
              })
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {pageCount > 1 ? (
        <Group justify="space-between" mt="sm" gap="xs">
          <Text size="sm" c="dimmed">
            Page {pageIndex + 1} of {pageCount}
          </Text>
          <Pagination
            total={pageCount}
            value={pageIndex + 1}
            onChange={(page) => (server ? server.onPageChange(page - 1) : table.setPageIndex(page - 1))}
            size="sm"
            siblings={1}
            getControlProps={(control) => ({ "aria-label": `${control} page` })}
            getItemProps={(page) => ({ "aria-label": `Page ${page}` })}
          />
        </Group>
      ) : null}
    </div>
  );
}
