/*
 * wc.c: reads standard input to the end with getchar() (picolibc's buffered stdin: one read(2)
 * per 256 bytes) and counts lines, words and bytes, as wc does; then the longest line and the
 * most frequent letter.
 *
 *   printf 'some text\n' | vmlab run programs/c/bin/wc.elf
 */
#include <ctype.h>
#include <stdio.h>

#define LETTERS 26

int main(void)
{
    unsigned long lines = 0, words = 0, bytes = 0, longest = 0, line = 0;
    unsigned long letters[LETTERS] = {0};
    int in_word = 0, c;
    while ((c = getchar()) != EOF) {
        bytes++;
        if (c == '\n') {
            lines++;
            if (line > longest)
                longest = line;
            line = 0;
        } else {
            line++;
        }
        if (isspace(c)) {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            words++;
        }
        if (isalpha(c))
            letters[tolower(c) - 'a']++;
    }
    if (line > longest)
        longest = line;
    int top = 0;
    for (int i = 1; i < LETTERS; i++) {
        if (letters[i] > letters[top])
            top = i;
    }
    printf("%7lu %7lu %7lu\n", lines, words, bytes);
    printf("longest line: %lu bytes\n", longest);
    if (letters[top] > 0)
        printf("most frequent letter: %c (%lu times)\n", 'a' + top, letters[top]);
    return 0;
}
