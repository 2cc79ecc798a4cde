#ifndef PARLEY_CNCURSESW_SHIM_H
#define PARLEY_CNCURSESW_SHIM_H

#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncurses.h>

/* What Swift cannot import from ncurses.h: macros and mutable globals. */

extern int wcwidth(wchar_t);

static inline WINDOW *parley_stdscr(void) { return stdscr; }
static inline WINDOW *parley_curscr(void) { return curscr; }
static inline int parley_colors(void) { return COLORS; }
static inline int parley_color_pairs(void) { return COLOR_PAIRS; }
static inline void parley_set_escdelay(int ms) { set_escdelay(ms); }

static inline attr_t parley_a_bold(void) { return A_BOLD; }
static inline attr_t parley_a_underline(void) { return A_UNDERLINE; }
static inline attr_t parley_a_reverse(void) { return A_REVERSE; }
static inline attr_t parley_a_dim(void) { return A_DIM; }
static inline attr_t parley_a_normal(void) { return A_NORMAL; }

/* Draws one character cell (a base character and up to four combining
   ones, NUL-terminated) with attributes and a colour pair. */
static inline int parley_put_cell(int y, int x, const wchar_t *text, attr_t attrs, short pair) {
    cchar_t cell;
    setcchar(&cell, text, attrs, pair, NULL);
    return mvwadd_wch(stdscr, y, x, &cell);
}

#endif
