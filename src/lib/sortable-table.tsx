import { useMemo, useState } from "react";

export type SortDirection = "ascending" | "descending";
export interface SortState<K extends string> {
  key: K;
  direction: SortDirection;
}

type SortValue = string | number;

/** Rows sorted by one column; `sortValue` gives each column's comparable value for a row. */
export function useSortedRows<T, K extends string>(
  rows: readonly T[],
  sortValue: (row: T, key: K) => SortValue,
  initial: SortState<K>,
) {
  const [sort, setSort] = useState<SortState<K>>(initial);
  const sorted = useMemo(() => {
    const factor = sort.direction === "ascending" ? 1 : -1;
    return [...rows].sort((a, b) => factor * compare(sortValue(a, sort.key), sortValue(b, sort.key)));
  }, [rows, sort, sortValue]);
  function toggle(key: K) {
    setSort((current) =>
      current.key === key
        ? { key, direction: current.direction === "ascending" ? "descending" : "ascending" }
        : { key, direction: "ascending" },
    );
  }
  return { sorted, sort, toggle };
}

function compare(a: SortValue, b: SortValue): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), undefined, { sensitivity: "base", numeric: true });
}

/** A column header whose button sorts the table; aria-sort tells assistive technology the order. */
export function SortableHeader<K extends string>({
  column,
  label,
  sort,
  onSort,
}: {
  column: K;
  label: string;
  sort: SortState<K>;
  onSort: (key: K) => void;
}) {
  const active = sort.key === column;
  return (
    <th scope="col" aria-sort={active ? sort.direction : undefined}>
      <button type="button" className="sort-button" onClick={() => onSort(column)}>
        {label}
        <span aria-hidden="true" className="sort-indicator">
          {active ? (sort.direction === "ascending" ? "▲" : "▼") : "↕"}
        </span>
      </button>
    </th>
  );
}
