module github.com/flexiapi-serverless/flexiapi

go 1.26.8
