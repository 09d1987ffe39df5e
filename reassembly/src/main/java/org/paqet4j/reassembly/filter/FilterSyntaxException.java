package org.paqet4j.reassembly.filter;

/** A capture filter that does not parse: {@link #column()} (1-based) is where the problem is. */
public final class FilterSyntaxException extends IllegalArgumentException {

    private final int column;

    FilterSyntaxException(int column, String problem) {
        super("column " + column + ": " + problem);
        this.column = column;
    }

    public int column() {
        return column;
    }
}
