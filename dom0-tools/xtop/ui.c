/*
 * The ncurses screen: xentop's summary, header and rows, plus a selected row
 * (arrows, page keys), P to pause or unpause it, K to destroy it after a
 * confirmation, H for help, / to filter by name, left/right to scroll the
 * wide table. A terminal smaller than MIN_COLS x MIN_LINES gets one line
 * saying so instead of a garbled table; resizing redraws at the new size.
 */
#include "screens.h"

#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actions.h"

#define MIN_COLS 40
#define MIN_LINES 8
#define TOP_LINES 4         /* the summary's three, the header */
#define HSCROLL_STEP 8
#define FULL_REPAINT_FRAMES 10

enum mode { TABLE, HELP, PROMPT_DELAY, PROMPT_FILTER, CONFIRM_KILL };

struct ui {
    struct xtop_source *src;
    struct xtop_opts *o;
    struct xtop_node a, b, *cur, *prev;
    struct xtop_row *rows;
    unsigned int nr_rows;
    unsigned int sel;           /* index into rows */
    uint32_t sel_domid;
    bool have_sel;
    unsigned int first;         /* first row on screen */
    unsigned int hscroll;
    enum mode mode;
    char input[64];
    size_t inlen;
    uint32_t kill_domid;
    char kill_name[XTOP_NAME_MAX];
    char status[200];
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Rows for the current frame, the selection kept on the same domain. */
static void make_rows(struct ui *u)
{
    struct xtop_row *nr = realloc(u->rows, (u->cur->nr_dom ? u->cur->nr_dom : 1) * sizeof(*nr));
    if (!nr)
        return;
    u->rows = nr;
    u->nr_rows = xtop_rows(u->cur, u->prev, &u->o->view, u->rows);
    if (u->have_sel)
        for (unsigned int i = 0; i < u->nr_rows; i++)
            if (u->rows[i].dom->domid == u->sel_domid)
                u->sel = i;
    if (u->sel >= u->nr_rows)
        u->sel = u->nr_rows ? u->nr_rows - 1 : 0;
    u->have_sel = u->nr_rows > 0;
    if (u->have_sel)
        u->sel_domid = u->rows[u->sel].dom->domid;
}

static int collect(struct ui *u)
{
    struct xtop_node *t = u->prev;
    u->prev = u->cur;
    u->cur = t;
    int rc = xtop_collect(u->src, u->o->view.show_vcpus, u->cur);
    if (rc < 0) {
        snprintf(u->status, sizeof(u->status), "reading the domains failed: %s", strerror(-rc));
        /* keep showing the last frame */
        t = u->prev;
        u->prev = u->cur;
        u->cur = t;
    }
    make_rows(u);
    return rc;
}

/* Screen lines a domain takes. */
static unsigned int height_of(const struct ui *u, unsigned int i)
{
    return 1 + xtop_detail_count(u->rows[i].dom, &u->o->view) + (u->o->view.repeat_header && i != u->first);
}

/* Scrolls so the selected row is on the screen. */
static void keep_selection_visible(struct ui *u, int room)
{
    if (u->sel < u->first)
        u->first = u->sel;
    for (;;) {
        int used = 0;
        unsigned int last = u->first;
        for (unsigned int i = u->first; i < u->nr_rows; i++) {
            used += (int)height_of(u, i);
            if (used > room)
                break;
            last = i;
        }
        if (u->sel <= last || u->first >= u->sel)
            return;
        u->first++;
    }
}

/* A line from column hscroll on, cut at the screen's width. */
static void put_line(int y, const char *text, unsigned int hscroll, attr_t attr)
{
    size_t len = strlen(text);
    const char *p = hscroll < len ? text + hscroll : "";
    attron(attr);
    mvaddnstr(y, 0, p, COLS);
    if (attr & A_REVERSE) {
        int x = getcurx(stdscr);
        for (; x < COLS && getcury(stdscr) == y; x++)
            addch(' ');
    }
    attroff(attr);
}

static unsigned int field_offset(const struct xtop_widths *w, enum xtop_field f)
{
    unsigned int off = 0;
    for (unsigned int i = 0; i < (unsigned int)f; i++)
        off += w->w[i] + 1;
    return off;
}

static void draw_header(const struct ui *u, int y, const struct xtop_widths *w)
{
    char line[1024];
    xtop_header(line, sizeof(line), w);
    put_line(y, line, u->hscroll, A_REVERSE);
    /* the sort column in bold (and marked when reversed) */
    unsigned int off = field_offset(w, u->o->view.sort), width = w->w[u->o->view.sort];
    if (off + width > u->hscroll && off < u->hscroll + (unsigned int)COLS) {
        unsigned int start = off > u->hscroll ? off - u->hscroll : 0;
        unsigned int skip = off > u->hscroll ? 0 : u->hscroll - off;
        attron(A_REVERSE | A_BOLD);
        mvaddnstr(y, (int)start, line + off + skip, (int)(width - skip));
        attroff(A_REVERSE | A_BOLD);
    }
}

static void draw_bottom(const struct ui *u)
{
    int y = LINES - 1;
    move(y, 0);
    clrtoeol();
    switch (u->mode) {
    case PROMPT_DELAY:
        mvprintw(y, 0, "Delay (seconds, now %g): %s", u->o->delay, u->input);
        return;
    case PROMPT_FILTER:
        mvprintw(y, 0, "Filter by name (empty: all): %s", u->input);
        return;
    case CONFIRM_KILL:
        attron(A_BOLD);
        mvprintw(y, 0, "Destroy %s (domain %u)? y/N ", u->kill_name, u->kill_domid);
        attroff(A_BOLD);
        return;
    default:
        break;
    }
    if (u->status[0]) {
        mvaddnstr(y, 0, u->status, COLS);
        return;
    }
    static const struct { char key; const char *rest; } legend[] = {
        { 'D', "elay" }, { 'N', "etworks" }, { 'B', " vbds" }, { 'V', "CPUs" }, { 'S', "ort" },
        { 'R', "everse" }, { 'P', "ause" }, { 'K', "ill" }, { '/', "filter" }, { 'H', "elp" }, { 'Q', "uit" },
    };
    move(y, 0);
    for (size_t i = 0; i < sizeof(legend) / sizeof(legend[0]) && getcurx(stdscr) < COLS - 8; i++) {
        addch((chtype)legend[i].key | A_REVERSE);
        addstr(legend[i].rest);
        addstr("  ");
    }
    if (u->o->view.filter[0] && getcurx(stdscr) < COLS - 12)
        printw("[filter: %s]", u->o->view.filter);
}

static void draw_help(void)
{
    static const char *const text[] = {
        "xtop: live domains, as xentop, with a selected row",
        "",
        "  D        delay between frames (seconds, fractions allowed)",
        "  N  V  B  network, vCPU and virtual disk lines under each domain",
        "  S        sort by the next column (bold in the header)",
        "  R        reverse the sort order",
        "  Up Down PgUp PgDn Home End   move the selected row",
        "  Left Right                   scroll the table sideways",
        "  P        pause or unpause the selected domain (xl pause / unpause)",
        "  K        destroy the selected domain after asking (xl destroy)",
        "  /        show only domains whose name contains a text",
        "  Ctrl-L   redraw;  H or ?  this help;  Q or Esc  quit",
        "",
        "STATE: d dying, s shut down, b blocked, c crashed, p paused, r running.",
        "CPU(%) is of one CPU, between two frames. NETTX/NETRX are what dom0's",
        "vif sent to / received from the guest; VBD_* are the disks' requests",
        "and sectors (xen-blkback's statistics or lamina-blkback's counters).",
        "",
        "Any key returns to the table.",
    };
    for (size_t i = 0; i < sizeof(text) / sizeof(text[0]) && (int)i < LINES; i++)
        mvaddnstr((int)i, 0, text[i], COLS);
}

static void draw(struct ui *u)
{
    erase();
    if (COLS < MIN_COLS || LINES < MIN_LINES) {
        /* short lines, so that they fit where the table cannot */
        char msg[64];
        snprintf(msg, sizeof(msg), "xtop: %dx%d is too small", COLS, LINES);
        mvaddnstr(0, 0, msg, COLS);
        if (LINES > 1) {
            snprintf(msg, sizeof(msg), "needs at least %dx%d", MIN_COLS, MIN_LINES);
            mvaddnstr(1, 0, msg, COLS);
        }
        refresh();
        return;
    }
    if (u->mode == HELP) {
        draw_help();
        refresh();
        return;
    }
    char l1[256], l2[256], l3[256];
    xtop_summary(u->cur, l1, l2, l3, sizeof(l1));
    mvaddnstr(0, 0, l1, COLS);
    mvaddnstr(1, 0, l2, COLS);
    mvaddnstr(2, 0, l3, COLS);

    struct xtop_widths w;
    xtop_widths(u->rows, u->nr_rows, &u->o->view, &w);
    int y = TOP_LINES - 1;
    draw_header(u, y++, &w);
    int bottom = LINES - 1;     /* the key line */
    keep_selection_visible(u, bottom - y);
    char line[1024];
    for (unsigned int i = u->first; i < u->nr_rows && y < bottom; i++) {
        if (u->o->view.repeat_header && i != u->first)
            draw_header(u, y++, &w);
        if (y >= bottom)
            break;
        xtop_row_text(line, sizeof(line), &u->rows[i], u->cur, &w);
        put_line(y++, line, u->hscroll, i == u->sel ? A_REVERSE : A_NORMAL);
        unsigned int k = xtop_detail_count(u->rows[i].dom, &u->o->view);
        for (unsigned int j = 0; j < k && y < bottom; j++) {
            xtop_detail_text(line, sizeof(line), u->rows[i].dom, &u->o->view, j);
            put_line(y++, line, u->hscroll, A_DIM);
        }
    }
    if (u->nr_rows == 0)
        mvaddnstr(y, 0, u->o->view.filter[0] ? "(no domain's name matches the filter)" : "(no domains)", COLS);
    draw_bottom(u);
    refresh();
}

static void move_sel(struct ui *u, long delta)
{
    if (!u->nr_rows)
        return;
    long s = (long)u->sel + delta;
    if (s < 0)
        s = 0;
    if (s >= (long)u->nr_rows)
        s = (long)u->nr_rows - 1;
    u->sel = (unsigned int)s;
    u->sel_domid = u->rows[u->sel].dom->domid;
}

static const struct xtop_dom *selected(const struct ui *u)
{
    return u->nr_rows ? u->rows[u->sel].dom : NULL;
}

/* A line of input for a prompt: true when it is complete (Enter). */
static bool edit_input(struct ui *u, int ch, bool *cancel)
{
    *cancel = false;
    if (ch == 27) {
        *cancel = true;
        return false;
    }
    if (ch == '\n' || ch == '\r' || ch == KEY_ENTER)
        return true;
    if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && u->inlen)
        u->input[--u->inlen] = '\0';
    else if (ch >= 0 && ch < 256 && isprint(ch) && u->inlen + 1 < sizeof(u->input)) {
        u->input[u->inlen++] = (char)ch;
        u->input[u->inlen] = '\0';
    }
    return false;
}

static void start_prompt(struct ui *u, enum mode m)
{
    u->mode = m;
    u->inlen = 0;
    u->input[0] = '\0';
    u->status[0] = '\0';
}

/* 0: go on; 1: quit; 2: the rows need making again (view changed). */
static int handle_key(struct ui *u, int ch)
{
    bool cancel;
    switch (u->mode) {
    case HELP:
        u->mode = TABLE;
        return 0;
    case PROMPT_DELAY:
        if (edit_input(u, ch, &cancel)) {
            char *end;
            double d = strtod(u->input, &end);
            if (end != u->input && !*end && d >= 0.1 && d <= 3600)
                u->o->delay = d;
            else
                snprintf(u->status, sizeof(u->status), "delay: a number of seconds from 0.1 to 3600");
            u->mode = TABLE;
        } else if (cancel) {
            u->mode = TABLE;
        }
        return 0;
    case PROMPT_FILTER:
        if (edit_input(u, ch, &cancel)) {
            snprintf(u->o->view.filter, sizeof(u->o->view.filter), "%s", u->input);
            u->mode = TABLE;
            u->first = 0;
            return 2;
        }
        if (cancel)
            u->mode = TABLE;
        return 0;
    case CONFIRM_KILL:
        u->mode = TABLE;
        if (ch == 'y' || ch == 'Y') {
            snprintf(u->status, sizeof(u->status), "destroying %s ...", u->kill_name);
            draw(u);
            xtop_xl("destroy", u->kill_domid, u->status, sizeof(u->status));
            return 3;
        }
        snprintf(u->status, sizeof(u->status), "not destroyed");
        return 0;
    case TABLE:
        break;
    }
    const struct xtop_dom *d = selected(u);
    int page = LINES - TOP_LINES - 1 > 1 ? LINES - TOP_LINES - 1 : 1;
    u->status[0] = '\0';
    switch (ch) {
    case 'q': case 'Q': case 27:
        return 1;
    case 'd': case 'D':
        start_prompt(u, PROMPT_DELAY);
        return 0;
    case '/':
        start_prompt(u, PROMPT_FILTER);
        return 0;
    case 'n': case 'N':
        u->o->view.show_nets = !u->o->view.show_nets;
        return 2;
    case 'b': case 'B':
        u->o->view.show_vbds = !u->o->view.show_vbds;
        return 2;
    case 'v': case 'V':
        u->o->view.show_vcpus = !u->o->view.show_vcpus;
        return 3;       /* the vCPU times are read only when shown: collect again */
    case 's': case 'S':
        u->o->view.sort = (enum xtop_field)((u->o->view.sort + 1) % XF_COUNT);
        return 2;
    case 'r': case 'R':
        u->o->view.reverse = !u->o->view.reverse;
        return 2;
    case 'h': case 'H': case '?':
        u->mode = HELP;
        return 0;
    case KEY_UP: move_sel(u, -1); return 0;
    case KEY_DOWN: move_sel(u, 1); return 0;
    case KEY_PPAGE: move_sel(u, -page); return 0;
    case KEY_NPAGE: move_sel(u, page); return 0;
    case KEY_HOME: move_sel(u, -(long)u->nr_rows); return 0;
    case KEY_END: move_sel(u, (long)u->nr_rows); return 0;
    case KEY_LEFT:
        u->hscroll = u->hscroll > HSCROLL_STEP ? u->hscroll - HSCROLL_STEP : 0;
        return 0;
    case KEY_RIGHT:
        if (u->hscroll < 400)
            u->hscroll += HSCROLL_STEP;
        return 0;
    case 12:    /* Ctrl-L */
        clearok(curscr, TRUE);
        return 0;
    case 'p': case 'P':
        if (!d)
            return 0;
        if (d->domid == 0) {
            snprintf(u->status, sizeof(u->status), "dom0 is not paused from dom0");
            return 0;
        }
        xtop_xl(d->state & XTOP_PAUSED ? "unpause" : "pause", d->domid, u->status, sizeof(u->status));
        return 3;
    case 'k': case 'K':
        if (!d)
            return 0;
        if (d->domid == 0) {
            snprintf(u->status, sizeof(u->status), "dom0 cannot be destroyed");
            return 0;
        }
        u->mode = CONFIRM_KILL;
        u->kill_domid = d->domid;
        snprintf(u->kill_name, sizeof(u->kill_name), "%s", d->name);
        return 0;
    default:
        return 0;
    }
}

int xtop_ui(struct xtop_source *src, struct xtop_opts *o)
{
    struct ui u = { .src = src, .o = o };
    u.cur = &u.a;
    u.prev = &u.b;
    int rc = xtop_collect(src, o->view.show_vcpus, u.cur);
    if (rc < 0) {
        fprintf(stderr, "xtop: reading the domains: %s\n", strerror(-rc));
        return 1;
    }
    xtop_sleep(XTOP_FIRST_SAMPLE_S);

    setenv("ESCDELAY", "25", 0);    /* Esc quits at once, not after a second */
    if (!initscr()) {
        fprintf(stderr, "xtop: cannot set up the terminal (TERM=%s)\n", getenv("TERM") ? getenv("TERM") : "");
        return 1;
    }
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    curs_set(0);

    uint64_t next = 0;
    long frames = 0;
    for (;;) {
        uint64_t t = now_ms();
        if (t >= next) {
            collect(&u);
            next = t + (uint64_t)(o->delay * 1000);
            /* Every so often the whole screen is sent again: on a serial
             * console the hypervisor's and the kernel's messages land in the
             * middle of it, where ncurses would not otherwise look. */
            if (++frames % FULL_REPAINT_FRAMES == 0)
                clearok(curscr, TRUE);
        }
        draw(&u);
        if (o->iterations > 0 && frames >= o->iterations)
            break;
        t = now_ms();
        timeout(next > t ? (int)(next - t < 1000 ? next - t : 1000) : 0);
        int ch = getch();
        if (ch == ERR || ch == KEY_RESIZE)
            continue;
        int r = handle_key(&u, ch);
        if (r == 1)
            break;
        if (r == 2)
            make_rows(&u);
        else if (r == 3)
            next = 0;       /* collect now */
    }
    endwin();
    free(u.rows);
    xtop_node_free(&u.a);
    xtop_node_free(&u.b);
    return 0;
}
