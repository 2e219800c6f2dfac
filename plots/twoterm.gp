# Shared by the plot scripts of E2, E3, E4, E7, E8, E9 (loaded after common.gp):
# every graph as PNG and SVG, and grouping helpers.
#   term(ext)        (style.gp) the `set terminal` command for ext = "png" or "svg"
#   (lists of words: common.gp's add_word and cat_x)
# Series keys are words without spaces: "none|4096"; pretty(k) turns one into a legend.
# "a|b" -> field n
field(k, n) = (n == 1) ? k[1:strstrt(k, "|") - 1] : k[strstrt(k, "|") + 1:]
unset label 99
