# Shared by the plot scripts of E2, E3, E4, E7, E8, E9 (loaded after common.gp):
# every graph as PNG and SVG, and grouping helpers.
#   term(ext)        the `set terminal` command for ext = "png" or "svg" (eval it)
#   words_of(list, v) list plus v as a word, once  (build lists with stats ... nooutput)
#   index_of(list, v) position of word v in list (0: not there)
# Series keys are words without spaces: "none|4096"; pretty(k) turns one into a legend.
term(ext) = (ext eq "svg") ? \
	"set terminal svg size 1200,700 noenhanced font 'DejaVu Sans,12' dynamic linewidth 1.5" : \
	"set terminal pngcairo size 1200,700 noenhanced font 'DejaVu Sans,12' linewidth 1.5"
words_of(list, v) = strstrt(list, " ".v." ") ? list : list.v." "
index_of_from(list, v, i) = (i > words(list)) ? 0 : (word(list, i) eq v) ? i : index_of_from(list, v, i + 1)
index_of(list, v) = index_of_from(list, v, 1)
# "a|b" -> field n
field(k, n) = (n == 1) ? k[1:strstrt(k, "|") - 1] : k[strstrt(k, "|") + 1:]
unset label 99
