# src/dataset/local.mk - dataset: labelled face datasets behind one
# interface (CSV manifests via libcsv, folder per identity, LFW pairs,
# imglab XML via expat).
